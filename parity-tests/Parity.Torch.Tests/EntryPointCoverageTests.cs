using System.Reflection;
using Parity.Torch.Modules;

namespace Parity.Torch.Tests;

/// <summary>Every public entry point of the binding meets a fault (<see cref="FaultTests"/>) or a disposed handle (<see cref="DisposalTests"/>), unless nothing it takes can be invalid.</summary>
public class EntryPointCoverageTests
{
    /// <summary>Entry points that take no handle and accept every value of what they take.</summary>
    static readonly string[] NothingToFault =
    [
        "torch.manual_seed", "torch.get_num_threads", "torch.live_tensors", "torch.is_grad_enabled", "torch.no_grad",
        "Tensor.Dispose", "SGD.Dispose", "LRScheduler.Dispose", // disposing twice is a no-op (DisposalTests)
    ];

    static readonly Type[] Binding =
    [
        typeof(torch), typeof(torch.nn), typeof(torch.nn.functional), typeof(torch.nn.utils), typeof(torch.optim), typeof(torch.optim.lr_scheduler),
        typeof(Tensor), typeof(SGD), typeof(LRScheduler),
    ];

    [Fact]
    public void Every_public_entry_point_is_exercised_with_invalid_input()
    {
        var entryPoints = Binding.SelectMany(type => type
                .GetMembers(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => m is PropertyInfo or MethodInfo { IsSpecialName: false })
                .Select(m => $"{TypeName(type)}.{m.Name}"))
            .ToHashSet();
        var exercised = FaultTests.EntryPoints.Concat(DisposalTests.EntryPoints).Concat(NothingToFault).ToHashSet();

        Assert.True(entryPoints.Count >= 40, $"found only {entryPoints.Count} entry points: the reflection misses some");
        Assert.Empty(entryPoints.Except(exercised).Order());
        Assert.Empty(exercised.Except(entryPoints).Order());
    }

    static string TypeName(Type type) => type.FullName!.Replace("Parity.Torch.Modules.", "").Replace("Parity.Torch.", "").Replace('+', '.');
}
