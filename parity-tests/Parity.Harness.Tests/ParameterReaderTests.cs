using Parity.Harness.Training;

namespace Parity.Harness.Tests;

/// <summary>
/// <see cref="ParameterReader"/>, which lockstep training reads both engines' parameters through after every step: each
/// read holds the current values, and the read before it stays as it was (the trainer takes a step's gradients again
/// from it at a jump); without <see cref="IParametersInto"/>, GetParameters' own copies.
/// </summary>
public class ParameterReaderTests
{
    [Fact]
    public void Each_read_holds_the_current_values_and_the_read_before_it_stays_as_it_was()
    {
        using var backend = new CounterInto();
        var reader = new ParameterReader(backend);
        var reads = new List<IReadOnlyList<HostTensor>>();
        for (var step = 1; step <= 5; step++)
        {
            backend.TrainStep(null!);
            reads.Add(reader.Read());
            Assert.Equal(Counter.Values(step), reads[^1][0].Data);
            if (step > 1)
                Assert.Equal(Counter.Values(step - 1), reads[^2][0].Data);
        }
        // Two sets of arrays take turns: the third read is the first's arrays again.
        Assert.Same(reads[0][0].Data, reads[2][0].Data);
        Assert.NotSame(reads[0][0].Data, reads[1][0].Data);
        Assert.Equal(3, backend.Into);
    }

    [Fact]
    public void Without_IParametersInto_each_read_is_a_copy_from_GetParameters()
    {
        using var backend = new Counter();
        var reader = new ParameterReader(backend);
        backend.TrainStep(null!);
        var first = reader.Read();
        backend.TrainStep(null!);
        Assert.Equal(Counter.Values(2), reader.Read()[0].Data);
        Assert.Equal(Counter.Values(1), first[0].Data);
    }

    /// <summary>A backend of one parameter of three values, all the step count after each step.</summary>
    class Counter : IBackend
    {
        protected int Steps { get; private set; }

        public static double[] Values(int step) => [step, step, step];

        public string Name => "counter";

        public IReadOnlyList<HostTensor> GetParameters() => [new("0.weight", [3], Values(Steps))];

        public double TrainStep(Batch batch) => ++Steps;

        public void SetParameters(IReadOnlyList<HostTensor> parameters) => throw new NotSupportedException();

        public IReadOnlyList<HostTensor> Forward(Batch batch) => throw new NotSupportedException();

        public Gradients ComputeGradients(Batch batch) => throw new NotSupportedException();

        public void Step() => throw new NotSupportedException();

        public Evaluation Evaluate(Batch batch) => throw new NotSupportedException();

        public void EndEpoch() { }

        public void Dispose() { }
    }

    /// <summary>The counter, with its parameters also into the caller's arrays.</summary>
    sealed class CounterInto : Counter, IParametersInto
    {
        public int Into { get; private set; }

        public void GetParametersInto(IReadOnlyList<double[]> values)
        {
            Into++;
            Values(Steps).CopyTo(values[0], 0);
        }
    }
}
