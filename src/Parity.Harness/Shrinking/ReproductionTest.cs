using System.Globalization;
using Parity.Harness.Checks;
using Parity.Spec;

namespace Parity.Harness.Shrinking;

/// <summary>
/// The xunit test of a <see cref="Reproduction"/>, as C# source that needs only the Parity.Contract package and
/// xunit: it loads the engine under test from an assembly (the rule of <c>--engine PATH.dll</c>), builds it from
/// the model description written out in the source, loads the frozen parameters and batches with a safetensors
/// reader of its own, replays the failing step and compares every result with TorchSharp's within the spec's tolerance.
/// </summary>
public static class ReproductionTest
{
    /// <summary>The environment variable that points the test at an engine assembly.</summary>
    public const string EngineVariable = "PARITY_ENGINE";

    /// <summary>
    /// The test project: the contract package of this Parity, xunit, and the frozen files copied beside the test.
    /// The test packages' versions are the repository's own (Directory.Packages.props), which restore offline here.
    /// </summary>
    public static string Project() => $$"""
        <Project Sdk="Microsoft.NET.Sdk">
          <!-- Written by parity shrink: a test of the shrunk failure that needs only the engine contract and xunit. -->
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <IsPackable>false</IsPackable>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Parity.Contract" Version="{{ContractVersion}}" />
            <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
            <PackageReference Include="xunit" Version="2.9.3" />
            <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
          </ItemGroup>
          <ItemGroup>
            <None Include="*.safetensors" CopyToOutputDirectory="PreserveNewest" />
          </ItemGroup>
        </Project>

        """;

    /// <summary>The version of the contract this Parity is built with, as its package is versioned.</summary>
    static string ContractVersion => typeof(IBackend).Assembly.GetName().Version!.ToString(3);

    public static string Source(CheckResult failure, ShrinkResult shrunk, ModelDescription model, Tolerance tolerance, int? steps, int batches, string enginePath) => $$""""
        // Written by parity shrink from {{failure.Spec.Name}}: the smallest spec found on which the engine still fails
        // parity check the same way ({{shrunk.Before.Parameters}} → {{shrunk.After.Parameters}} parameters, {{shrunk.Before.Steps}} → {{shrunk.After.Steps}} training steps).
        // Parity's diagnosis:
        {{string.Join("\n", failure.Diagnosis.Select(line => "//   " + line))}}
        //
        // It replays {{(steps is { } k ? $"{k} optimizer step{(k == 1 ? "" : "s")} (gradients, step, end of epoch) and compares the parameters and the optimizer state after the last" : "the gradient check's step: forward, loss, backward, and compares every result")}}
        // with TorchSharp's, frozen in {{Reproduction.ExpectedFile}}. It fails against the engine above and passes against a correct one.
        // Run: dotnet test (with {{EngineVariable}}=PATH.dll to test another engine build).
        using System.Reflection;
        using System.Text;
        using System.Text.Json;
        using System.Text.Json.Nodes;
        using Parity.Contract;
        using Xunit;

        public class ShrunkReproduction
        {
            // ▶ THE ENGINE UNDER TEST: the .dll your engine builds to (one public class implementing IBackend, with a
            //   public constructor (ModelDescription, IReadOnlyList<HostTensor>)); the environment variable {{EngineVariable}} overrides it.
            static readonly string EnginePath = Environment.GetEnvironmentVariable("{{EngineVariable}}") ?? {{Literal(enginePath)}};

            const double Atol = {{Number(tolerance.Atol)}}, Rtol = {{Number(tolerance.Rtol)}};

            static readonly ModelDescription Model = new(
                {{Literal(model.Name)}}, {{Literal(model.DType)}}, {{Ints(model.InputShape)}},
                [
        {{string.Join(",\n", model.Layers.Select(l => $"            new LayerDescription({l.Index}, {Literal(l.Kind)}, Options({Json(l.Options)}), {Ints(l.InputShape)}, {Ints(l.OutputShape)}){InTree(l)}"))}},
                ],
                [
        {{string.Join(",\n", model.Parameters.Select(p => $"            new ParameterDescription({Literal(p.Name)}, {Ints(p.Shape)}, {p.Layer}, Buffer: {(p.Buffer ? "true" : "false")})"))}},
                ],
                {{Described(model.Loss)}},
                {{Described(model.Optimizer)}},
                {{(model.Schedule is { } schedule ? Described(schedule) : "null")}},
                {{(model.Clip is { } clip ? Described(clip) : "null")}},
                {{model.Seed}}){{(model.TakesTokens ? $" {{ InputDType = {Literal(model.InputDType)} }}" : "")}};

            static readonly Dictionary<string, HostTensor> Expected = Safetensors.Read("{{Reproduction.ExpectedFile}}");
            static readonly Dictionary<string, HostTensor> Batches = Safetensors.Read("{{Reproduction.BatchFile}}");

        {{(steps is { } n ? UpdateTest(n, batches) : GradientTest)}}

            static IBackend CreateEngine()
            {
                Assert.True(File.Exists(EnginePath), $"no engine assembly at '{EnginePath}': set {{EngineVariable}} to the .dll your engine builds to");
                var assembly = Assembly.LoadFrom(EnginePath);
                var type = Assert.Single(assembly.GetExportedTypes(), t => t.IsClass && !t.IsAbstract && !t.ContainsGenericParameters && typeof(IBackend).IsAssignableFrom(t));
                var initial = Safetensors.Read("{{Reproduction.InitialFile}}");
                return (IBackend)Activator.CreateInstance(type, Model, (IReadOnlyList<HostTensor>)Model.Parameters.Select(p => initial[p.Name]).ToList())!;
            }

            /// <summary>The frozen mini-batch <paramref name="index"/>, as the engine received it.</summary>
            static Batch ReadBatch(int index)
            {
                var x = Batches[$"{index}.x"];
                var classes = Batches.GetValueOrDefault($"{index}.classes");
                var targets = Batches.GetValueOrDefault($"{index}.targets");
                var masks = Batches.Values.Where(t => t.Name.StartsWith($"{index}.", StringComparison.Ordinal) && t.Name.EndsWith(".mask", StringComparison.Ordinal))
                    .Select(t => t with { Name = t.Name[(t.Name.IndexOf('.') + 1)..] }).ToList();
                return new Batch(x.Shape[0], x.Shape[1], x.Data, classes?.Data.Select(c => (int)c).ToArray(), targets?.Data, targets?.Shape[1] ?? 1, masks.Count > 0 ? masks : null);
            }

            /// <summary>Every element within the spec's tolerance of TorchSharp's: |engine − reference| ≤ atol + rtol·|reference|.</summary>
            static void Close(string what, double[] expected, double[] actual)
            {
                Assert.True(expected.Length == actual.Length, $"{what}: the engine gives {actual.Length} values, TorchSharp {expected.Length}");
                for (var i = 0; i < expected.Length; i++)
                    Assert.True(Math.Abs(actual[i] - expected[i]) <= Atol + Rtol * Math.Abs(expected[i]),
                        $"{what}, element {i}: the engine gives {actual[i]:R}, TorchSharp {expected[i]:R} (atol {Atol}, rtol {Rtol})");
            }

            static JsonObject Options(string json) => JsonNode.Parse(json)!.AsObject();

            /// <summary>A safetensors file (an 8-byte little-endian header length, a JSON header, the data) of F64, F32 and I64 tensors, as float64.</summary>
            static class Safetensors
            {
                public static Dictionary<string, HostTensor> Read(string file)
                {
                    var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, file));
                    var length = (int)BitConverter.ToInt64(bytes, 0);
                    var tensors = new Dictionary<string, HostTensor>();
                    foreach (var entry in JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, length)).RootElement.EnumerateObject().Where(e => e.Name != "__metadata__"))
                    {
                        var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
                        var start = 8 + length + entry.Value.GetProperty("data_offsets")[0].GetInt32();
                        var data = new double[shape.Aggregate(1, (a, b) => a * b)];
                        var dtype = entry.Value.GetProperty("dtype").GetString();
                        for (var i = 0; i < data.Length; i++)
                            data[i] = dtype switch
                            {
                                "F64" => BitConverter.ToDouble(bytes, start + 8 * i),
                                "F32" => BitConverter.ToSingle(bytes, start + 4 * i),
                                "I64" => BitConverter.ToInt64(bytes, start + 8 * i),
                                _ => throw new InvalidDataException($"{file}: tensor {entry.Name} is {dtype}; this reader takes F64, F32 and I64"),
                            };
                        tensors[entry.Name] = new HostTensor(entry.Name, shape, data);
                    }
                    return tensors;
                }
            }
        }

        """";

    const string GradientTest = """
            [Fact]
            public void TheGradientStepMatchesTorchSharp()
            {
                using var engine = CreateEngine();
                var batch = ReadBatch(0);
                foreach (var output in engine.Forward(batch))
                    Close($"the output of layer {output.Name}", Expected[$"output.{output.Name}"].Data, output.Data);
                var gradients = engine.ComputeGradients(batch);
                Close("the loss", Expected["loss"].Data, [gradients.Loss]);
                foreach (var gradient in gradients.LayerOutputs.Reverse())
                    Close($"the gradient reaching the output of layer {gradient.Name}", Expected[$"dout.{gradient.Name}"].Data, gradient.Data);
                foreach (var gradient in gradients.Parameters)
                    Close($"the gradient of {gradient.Name}", Expected[$"grad.{gradient.Name}"].Data, gradient.Data);
                Close("the gradient of the input", Expected["grad.input"].Data, gradients.Input.Data);
                foreach (var buffer in engine.GetParameters().Where(p => Expected.ContainsKey($"buffer.{p.Name}")))
                    Close($"the buffer {buffer.Name} after the training forward", Expected[$"buffer.{buffer.Name}"].Data, buffer.Data);
                if (Expected.TryGetValue("evaluation", out var evaluation))
                    Close("the evaluation outputs", evaluation.Data, engine.Evaluate(batch).Outputs);
            }
        """;

    static string UpdateTest(int steps, int batches) => $$"""
            [Fact]
            public void TheParametersAfterStep{{steps}}MatchTorchSharp()
            {
                using var engine = CreateEngine();
                for (var step = 1; step <= {{steps}}; step++)
                {
                    engine.ComputeGradients(ReadBatch((step - 1) % {{batches}}));
                    engine.Step();
                    if (step == {{steps}})
                    {
                        foreach (var parameter in engine.GetParameters().Where(p => Expected.ContainsKey($"step.{p.Name}")))
                            Close($"{parameter.Name} after step {step}", Expected[$"step.{parameter.Name}"].Data, parameter.Data);
                        // The optimizer's buffers, by PyTorch's names, where the engine exposes them (IOptimizerState).
                        foreach (var entry in (engine as IOptimizerState)?.GetOptimizerState().Where(e => Expected.ContainsKey($"state.{e.Name}")) ?? [])
                            Close($"the optimizer state {entry.Name} after step {step}", Expected[$"state.{entry.Name}"].Data, entry.Data);
                    }
                    engine.EndEpoch();
                }
            }
        """;

    static string Described(Described part) => $"new Described({Literal(part.Kind)}, Options({Json(part.Options)}))";

    static string Json(System.Text.Json.Nodes.JsonObject options) => Literal(options.ToJsonString());

    static string Ints(int[] values) => $"[{string.Join(", ", values)}]";

    /// <summary>A layer's place in a model with residual blocks (its path and span), where it is not the plain index the constructor gives.</summary>
    static string InTree(LayerDescription layer) =>
        layer.Path == layer.Index.ToString(CultureInfo.InvariantCulture) && layer.Span == 0 ? "" : $" {{ Path = {Literal(layer.Path)}, Span = {layer.Span} }}";

    static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    static string Literal(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
