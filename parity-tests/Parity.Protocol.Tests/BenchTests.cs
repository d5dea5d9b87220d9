using System.Text.Json;

namespace Parity.Protocol.Tests;

/// <summary><c>parity bench</c> on an engine in another process: by the engine's own clock when it has time_phases, else by whole training steps, said so.</summary>
public class BenchTests
{
    [Fact]
    public void An_engine_that_times_its_phases_is_benchmarked_by_its_own_clock()
    {
        using var json = new TempFile();
        var (exit, output, error) = Engines.Run("bench", Engines.Spec("disk-relu-mse.yaml"), "--repetitions", "8", "--json", json.Path, "--engine", Engines.Numpy());

        Assert.True(exit == 0, output + error);
        Assert.Contains("numpy-engine: each phase timed by the engine itself (time_phases)", output);
        var engine = Side(json.Path);
        Assert.Equal("engine", engine.GetProperty("timing").GetString());
        Assert.True(engine.GetProperty("forward_ms").GetDouble() > 0);
        Assert.True(engine.GetProperty("backward_ms").GetDouble() > 0);
        Assert.True(engine.GetProperty("step_ms").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, engine.GetProperty("alloc_bytes_per_step").ValueKind);
    }

    [Fact]
    public void An_engine_without_time_phases_is_timed_by_whole_training_steps_including_the_protocol()
    {
        using var json = new TempFile();
        var (exit, output, error) = Engines.Run("bench", Engines.Spec("xor-tanh-bce.yaml"), "--repetitions", "8", "--json", json.Path, "--engine", Engines.Fault("stub.py"));

        Assert.True(exit == 0, output + error);
        Assert.Contains("stub cannot be timed phase by phase: whole training steps timed from Parity, including the handing over of the batch (for an engine in another process, the protocol's encoding and pipe)", output);
        var engine = Side(json.Path);
        Assert.Equal("train_step", engine.GetProperty("timing").GetString());
        Assert.Equal(JsonValueKind.Null, engine.GetProperty("forward_ms").ValueKind);
        Assert.True(engine.GetProperty("train_step_ms").GetDouble() > 0);
        Assert.All(Engines.AnnouncedProcesses(error), pid => Assert.True(Engines.Gone(pid)));
    }

    static JsonElement Side(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("specs")[0].GetProperty("engine").Clone();

    sealed class TempFile : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"parity-bench-{Guid.NewGuid():N}.json");

        public void Dispose() => File.Delete(Path);
    }
}
