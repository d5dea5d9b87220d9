namespace Parity.Protocol.Tests;

/// <summary>
/// Teacher forcing over the protocol: the example engine answers get_optimizer_state and set_optimizer_state
/// (momentum buffers and lr), so it is forced step by step; an engine that declines them gets one message.
/// </summary>
public class TeacherForcingProtocolTests
{
    const string Spec = """
        name: forced-over-protocol
        seed: 7
        data: {source: disk, train: 120, test: 40}
        model: [linear: 6, tanh, linear: 1]
        loss: mse
        optimizer: {sgd: {lr: 0.1, momentum: 0.9, weight_decay: 0.01}}
        schedule: {step: {size: 1, gamma: 0.5}}
        train: {epochs: 3, batch: 40}
        """;

    static string Write(string folder)
    {
        var path = Path.Combine(folder, "forced.yaml");
        File.WriteAllText(path, Spec);
        return path;
    }

    [Fact]
    public void The_example_engine_is_forced_at_every_step_and_agrees()
    {
        var folder = Directory.CreateTempSubdirectory("parity-forcing-").FullName;
        try
        {
            var (exit, output, error) = Engines.Run("train", Write(folder), "--engine", Engines.Numpy(), "--teacher-forcing");

            Assert.True(exit == 0, output + error);
            Assert.Contains("teacher forcing: every step's own update agrees with the reference's (9 steps, parameters and optimizer state)", output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_example_engines_planted_bug_is_pinned_to_the_first_step_and_a_bias()
    {
        var folder = Directory.CreateTempSubdirectory("parity-forcing-").FullName;
        try
        {
            var (exit, output, error) = Engines.Run("train", Write(folder), "--engine", Engines.Numpy("--bug bias-grad-mean"), "--teacher-forcing");

            Assert.True(exit == 1, output + error);
            // A wrong gradient: TorchSharp's optimizer steps on it too, so the gradient is named, not the update it feeds.
            Assert.Matches(@"teacher forcing: step 1 \(epoch 1\) is the first whose gradients differ, from the reference's parameters: gradient \d\.bias", output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void An_engine_that_declines_set_optimizer_state_gets_one_message_and_exit_2()
    {
        var folder = Directory.CreateTempSubdirectory("parity-forcing-").FullName;
        try
        {
            var (exit, output, error) = Engines.Run("train", Write(folder), "--engine", Engines.Fault("stub.py"), "--teacher-forcing");

            Assert.True(exit == 2, $"exit {exit}: {error}{output}");
            Assert.Contains("answered not-implemented to 'set_optimizer_state': teacher forcing sets the engine to the reference's optimizer state before every step", error);
            Assert.DoesNotContain("   at ", error);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
