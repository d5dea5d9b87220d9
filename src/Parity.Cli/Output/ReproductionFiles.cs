using Parity.Harness.Shrinking;
using Parity.Protocol;

namespace Parity.Cli.Output;

/// <summary>A minimal reproduction on disk (<c>parity shrink</c>, and a failing report's own): the spec, its frozen tensors, the xunit test and its project.</summary>
public static class ReproductionFiles
{
    /// <summary>The reproduction's files into <paramref name="folder"/>: the spec, its frozen tensors, the xunit test and its project.</summary>
    public static void Write(string folder, Reproduction reproduction)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.Write(Path.Combine(folder, Reproduction.SpecFile), reproduction.SpecYaml);
        Save(folder, Reproduction.InitialFile, reproduction.Initial.Select(p => p.DType == "I64"
            ? SafetensorsTensor.Int64(p.Tensor.Name, p.Tensor.Shape, [.. p.Tensor.Data.Select(v => (long)v)])
            : SafetensorsTensor.Float(p.Tensor.Name, p.Tensor.Shape, p.Tensor.Data, float32: p.DType == "F32")));
        Save(folder, Reproduction.BatchFile, reproduction.Batches.Select(Float64));
        Save(folder, Reproduction.ExpectedFile, reproduction.Expected.Select(Float64));
        AtomicFile.Write(Path.Combine(folder, Reproduction.TestFile), reproduction.Test);
        AtomicFile.Write(Path.Combine(folder, Reproduction.ProjectFile), reproduction.Project);
    }

    static SafetensorsTensor Float64(HostTensor tensor) => SafetensorsTensor.Float(tensor.Name, tensor.Shape, tensor.Data, float32: false);

    static void Save(string folder, string file, IEnumerable<SafetensorsTensor> tensors) =>
        AtomicFile.Write(Path.Combine(folder, file), SafetensorsCodec.Encode([.. tensors]));
}
