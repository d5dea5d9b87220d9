namespace Parity.Protocol.Tests;

/// <summary>
/// Engines that break the protocol, each in one way (the scripts in engines/): Parity stops with one
/// line naming the engine, the request and what was wrong — no stack trace — exits 2 (1 when the
/// engine answered that its computation failed), and no engine process is left behind.
/// </summary>
public class FaultEngineTests
{
    static readonly string Xor = Engines.Spec("xor-tanh-bce.yaml");

    [Theory]
    [InlineData("slow.py", "", 2, "engine 'stub', request 'gradients' (id 4): no answer within 10 s (--engine-timeout); the engine was stopped")]
    [InlineData("crashing.py", "", 2, "engine 'stub', request 'gradients' (id 4): the engine exited with code 3 before answering; its last lines on stderr: ")]
    [InlineData("crashing.py", "--signal", 2, "engine 'stub', request 'gradients' (id 4): the engine was killed by signal 9 (SIGKILL) before answering")]
    [InlineData("garbage.py", "", 2, "engine 'stub', request 'gradients' (id 4): its standard output has a line that is not a protocol response: \"debug: computing gradients for xxx")]
    [InlineData("wrong_id.py", "", 2, "engine 'stub', request 'gradients' (id 4): the response has id 3")]
    [InlineData("wrong_name.py", "", 2, "engine 'stub', request 'gradients' (id 4): the response has no tensor '0.weight'; it sent '0.weights' instead, which the request does not ask for")]
    [InlineData("wrong_shape.py", "", 2, "engine 'stub', request 'gradients' (id 4): tensor '0.weight' has shape [2, 4], expected [4, 2]")]
    [InlineData("wrong_dtype.py", "", 2, "engine 'stub', request 'gradients' (id 4): tensor '0.weight' is F32, expected F64: the model is float64")]
    [InlineData("not_implementing.py", "", 2, "engine 'stub', request 'gradients' (id 4): the engine answered not-implemented (\"no gradients in this engine\"), and Parity needs 'gradients'")]
    [InlineData("failing.py", "", 1, "engine 'stub', request 'gradients' (id 4): the engine failed: \"ValueError: matmul: shapes (4,2) and (4,2) not aligned\"")]
    [InlineData("covers_malformed.py", "", 2, "engine 'stub', request 'hello' (id 1): its \"covers\" is Array, not an object of kind lists (layers, losses, optimizers, schedules, clips)")]
    [InlineData("wrong_version.py", "", 2, "engine 'python3', request 'hello' (id 1): the engine speaks protocol version 2; this Parity speaks version 1")]
    public void A_faulty_engine_is_one_message_and_an_exit_code_and_leaves_no_process(string script, string options, int exitCode, string message)
    {
        // A time limit well above what a busy machine takes for the requests before the slow one.
        var (exit, output, error) = Engines.Run("check", Xor, "--engine-timeout", "10", "--engine", Engines.Fault(script, options));

        Assert.True(exit == exitCode, output + error);
        Assert.Equal($"parity: {message}", LastLine(error)[..(message.Length + "parity: ".Length)]);
        Assert.DoesNotContain(" at Parity.", error);
        var processes = Engines.AnnouncedProcesses(error);
        Assert.NotEmpty(processes);
        Assert.All(processes, pid => Assert.True(Engines.Gone(pid), $"engine process {pid} is still there"));
    }

    [Fact]
    public void A_crash_reports_the_engines_last_stderr_lines_which_also_passed_through_prefixed_with_its_name()
    {
        var (_, _, error) = Engines.Run("check", Xor, "--engine", Engines.Fault("crashing.py"));

        // A line the engine writes before hello arrives is prefixed with the name Parity knows when the line is read: the program's, or already the one hello gave.
        Assert.Matches(@"^\[(python3|stub)\] pid \d+$", error.Split('\n')[0]);
        Assert.Contains("[stub] computing the gradients\n[stub] MemoryError: cannot allocate the activations\n", error);
        Assert.EndsWith("| \"computing the gradients\" | \"MemoryError: cannot allocate the activations\"", LastLine(error));
    }

    [Fact]
    public void A_line_of_garbage_is_quoted_to_200_characters()
    {
        var (_, _, error) = Engines.Run("check", Xor, "--engine", Engines.Fault("garbage.py"));

        var quoted = "debug: computing gradients for ";
        Assert.Contains($"\"{quoted}{new string('x', 200 - quoted.Length)}…\"; an engine prints responses alone on stdout, anything else on stderr", LastLine(error));
    }

    [Theory]
    [InlineData("hello", "{\"id\": \"{id}\", \"result\": {}}", "engine 'python3', request 'hello' (id 1): its standard output has a line that is not a protocol response: \"{\\\"id\\\": \\\"1\\\", \\\"result\\\": {}}\"")]
    [InlineData("hello", "{\"id\": {id}, \"result\": {\"protocol\": \"1\", \"engine\": \"x\"}}", "engine 'python3', request 'hello' (id 1): the result \"{\\\"protocol\\\": \\\"1\\\", \\\"engine\\\": \\\"x\\\"}\" has no \"protocol\" number")]
    [InlineData("hello", "{\"id\": {id}, \"result\": {\"protocol\": 1, \"engine\": \"two\\nlines\"}}", "engine 'python3', request 'hello' (id 1): the result \"{\\\"protocol\\\": 1, \\\"engine\\\": \\\"two\\\\nlines\\\"}\" has no \"engine\" name (a string on one line)")]
    [InlineData("hello", "{\"id\": {id}, \"result\": [1]}", "engine 'python3', request 'hello' (id 1): the response has neither a \"result\" object nor an \"error\"")]
    [InlineData("hello", "{\"id\": {id}, \"error\": {\"code\": \"oops\"}}", "engine 'python3', request 'hello' (id 1): the error \"{\\\"code\\\": \\\"oops\\\"}\" has no code not-implemented or failed")]
    [InlineData("get_parameters", "{\"id\": {id}, \"result\": {}, \"tensors\": \"@@@\"}", "engine 'stub', request 'get_parameters' (id 5): its \"tensors\" is not a base64 string")]
    [InlineData("get_parameters", "{\"id\": {id}, \"result\": {}, \"tensors\": \"AAAA\"}", "engine 'stub', request 'get_parameters' (id 5): its tensors are not valid safetensors: 3 bytes are too few")]
    [InlineData("gradients", "{\"id\": {id}, \"result\": {\"loss\": NaN}}", "engine 'stub', request 'gradients' (id 4): its standard output has a line that is not a protocol response: \"{\\\"id\\\": 4, \\\"result\\\": {\\\"loss\\\": NaN}}\"; JSON has no NaN or Infinity: write them as the strings \"NaN\", \"Infinity\", \"-Infinity\"")]
    [InlineData("gradients", "{\"id\": {id}, \"result\": {}}", "engine 'stub', request 'gradients' (id 4): the response has no tensor '0.weight', '0.bias', '2.weight', '2.bias', 'output.0', 'output.1', 'output.2', 'output.3', 'input'")]
    public void A_malformed_response_is_named(string method, string line, string message)
    {
        var (exit, output, error) = Engines.Run("check", Xor, "--engine", Engines.Fault("raw_reply.py", $"{method} '{line}'"));

        Assert.True(exit == 2, output + error);
        Assert.StartsWith($"parity: {message}", LastLine(error));
        Assert.All(Engines.AnnouncedProcesses(error), pid => Assert.True(Engines.Gone(pid)));
    }

    [Fact]
    public void A_loss_that_is_no_number_is_named()
    {
        var (exit, output, error) = Engines.Run("train", Xor, "--engine", Engines.Fault("raw_reply.py", "train_step '{\"id\": {id}, \"result\": {\"loss\": \"low\"}}'"));

        Assert.True(exit == 2, output + error);
        Assert.Equal("parity: engine 'stub', request 'train_step' (id 3): the result \"{\\\"loss\\\": \\\"low\\\"}\" has no \"loss\" number", LastLine(error));
    }

    [Fact]
    public void A_loss_of_NaN_crosses_as_a_string_and_is_a_divergence_not_a_fault()
    {
        var (exit, output, error) = Engines.Run("train", Xor, "--engine", Engines.Fault("raw_reply.py", "train_step '{\"id\": {id}, \"result\": {\"loss\": \"NaN\"}}'"));

        Assert.True(exit == 1, output + error);
        Assert.Contains("diverged to NaN/Inf at step 1 (epoch 1) in the loss, in the engine only, while the reference stays finite", output);
        Assert.DoesNotContain("parity: ", error);
    }

    [Fact]
    public void An_engine_that_exits_at_once_fails_the_handshake()
    {
        var (exit, _, error) = Engines.Run("check", Xor, "--engine", "exec:/bin/false");

        Assert.Equal(2, exit);
        Assert.Equal("parity: engine 'false', request 'hello' (id 1): the engine exited with code 1 before answering", LastLine(error));
    }

    [Theory]
    [InlineData("exec:no-such-engine --fast", "parity: --engine exec:no-such-engine --fast: no program 'no-such-engine' on the PATH")]
    [InlineData("exec:./no/such/engine", "parity: --engine exec:./no/such/engine: no program './no/such/engine' exists")]
    [InlineData("exec:python3 'engine.py", "parity: --engine exec:python3 'engine.py: a single quote is never closed")]
    [InlineData("exec:  ", "parity: --engine exec: needs a command after 'exec:', e.g. exec:python3 engine.py")]
    public void A_command_that_cannot_start_is_a_message(string engine, string message)
    {
        var (exit, _, error) = Engines.Run("check", Xor, "--engine", engine);

        Assert.Equal(2, exit);
        Assert.Equal(message, LastLine(error));
    }

    [Fact]
    public void The_stub_engine_speaks_the_protocol_so_only_the_comparison_fails()
    {
        var (exit, output, error) = Engines.Run("check", Xor, "--engine", Engines.Fault("stub.py"));

        Assert.True(exit == 1, output + error);
        Assert.Contains("failed xor-tanh-bce", output);
        // It declines the optional run_layer: the check goes on, and says re-sync and linearity were not available.
        Assert.Contains("re-sync not available: stub answered not-implemented to 'run_layer'", output);
        Assert.Contains("re-sync was not available: stub answered not-implemented to 'run_layer'", output);
        Assert.Contains("backward linearity not available", output);
        Assert.DoesNotContain("parity: ", error);
        Assert.All(Engines.AnnouncedProcesses(error), pid => Assert.True(Engines.Gone(pid)));
    }

    static string LastLine(string text) => text.TrimEnd().Split('\n')[^1];
}
