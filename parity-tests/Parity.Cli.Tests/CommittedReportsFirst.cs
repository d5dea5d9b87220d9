using Xunit.Abstractions;

[assembly: TestCollectionOrderer("Parity.Cli.Tests.CommittedReportsFirst", "Parity.Cli.Tests")]

namespace Parity.Cli.Tests;

/// <summary>
/// The committed-reports test (a whole suite in two shards, <see cref="CommittedReportsTests.FreshRun"/>) takes most
/// of this project's time, and the project most of the test command's: started first, it runs beside all the others
/// on xunit's second thread, where by the default order it started 17–20 s in and the project ended that much later.
/// The rest keep their order.
/// </summary>
public sealed class CommittedReportsFirst : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(collection => collection.DisplayName.EndsWith($".{nameof(CommittedReportsTests)}+{nameof(CommittedReportsTests.FreshRun)}", StringComparison.Ordinal) ? 0 : 1);
}
