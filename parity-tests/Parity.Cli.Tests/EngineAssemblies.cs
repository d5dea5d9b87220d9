using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Parity.Cli.Tests;

/// <summary>Engine assemblies compiled from C# source against Parity.Contract, as an engine author's build would make them.</summary>
static class EngineAssemblies
{
    /// <summary>Compiles <paramref name="source"/> into <paramref name="folder"/>/<paramref name="name"/>.dll and returns its path.</summary>
    public static string Compile(string folder, string name, string source)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "netstandard.dll" or "mscorlib.dll")
            .Append(typeof(IBackend).Assembly.Location)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(name, [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var path = Path.Combine(folder, name + ".dll");
        var emitted = compilation.Emit(path);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        return path;
    }

    /// <summary>A source file of the given classes, with the usings an engine needs.</summary>
    public static string Source(params string[] classes) => "using System;\nusing System.Collections.Generic;\nusing Parity.Contract;\n\n" + string.Join("\n", classes);

    /// <summary>A class implementing IBackend whose every member but the constructor is never reached by these tests.</summary>
    public static string Backend(string className, string constructor) => $$"""
        public sealed class {{className}} : IBackend
        {
            {{constructor}}

            public string Name => "{{className}}";
            public IReadOnlyList<HostTensor> GetParameters() => throw new InvalidOperationException("not reached");
            public void SetParameters(IReadOnlyList<HostTensor> parameters) => throw new InvalidOperationException("not reached");
            public IReadOnlyList<HostTensor> Forward(Batch batch) => throw new InvalidOperationException("not reached");
            public Gradients ComputeGradients(Batch batch) => throw new InvalidOperationException("not reached");
            public void Step() => throw new InvalidOperationException("not reached");
            public double TrainStep(Batch batch) => throw new InvalidOperationException("not reached");
            public Evaluation Evaluate(Batch batch) => throw new InvalidOperationException("not reached");
            public void EndEpoch() => throw new InvalidOperationException("not reached");
            public void Dispose() { }
        }
        """;
}
