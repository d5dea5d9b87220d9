using Parity.Spec.Data;
using Parity.Spec.Initialization;

namespace Parity.Spec.Tests;

/// <summary>A seed fixes initial parameters, data and batch order to the bit; another seed or epoch changes them.</summary>
public class DeterminismTests
{
    const string Data = "data: {source: disk, train: 60, test: 20, validation: 0.25}";

    static ParitySpec Spec(int seed = 1, bool shuffle = true) =>
        SpecText.ParseWith($"seed: {seed}\n{Data}\ntrain: {{epochs: 3, batch: 5, shuffle: {shuffle.ToString().ToLowerInvariant()}}}");

    static long[] Bits(IEnumerable<double> values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();

    static long[] ParameterBits(ParitySpec spec) => Bits(InitialParameters.Create(spec).SelectMany(t => t.Data));

    static long[] DataBits(ParitySpec spec)
    {
        var data = DatasetLoader.Load(spec);
        return Bits(new[] { data.Train, data.Validation!, data.Test }.SelectMany(s => s.X.Concat(s.Labels!.Select(l => (double)l))));
    }

    [Fact]
    public void The_same_spec_loaded_twice_gives_identical_parameters_data_and_order()
    {
        var (first, second) = (Spec(), Spec());

        Assert.Equal(ParameterBits(first), ParameterBits(second));
        Assert.Equal(DataBits(first), DataBits(second));
        for (var epoch = 1; epoch <= 3; epoch++)
            Assert.Equal(BatchOrder.ForEpoch(first, epoch, 45), BatchOrder.ForEpoch(second, epoch, 45));
    }

    [Fact]
    public void Another_seed_gives_other_parameters_data_and_order()
    {
        var (first, second) = (Spec(seed: 1), Spec(seed: 2));

        Assert.NotEqual(ParameterBits(first), ParameterBits(second));
        Assert.NotEqual(DataBits(first), DataBits(second));
        Assert.NotEqual(BatchOrder.ForEpoch(first, 1, 45), BatchOrder.ForEpoch(second, 1, 45));
    }

    [Fact]
    public void Each_epoch_has_its_own_shuffle_of_every_row()
    {
        var spec = Spec();
        var orders = Enumerable.Range(1, 3).Select(epoch => BatchOrder.ForEpoch(spec, epoch, 45)).ToList();

        Assert.All(orders, order => Assert.Equal(Enumerable.Range(0, 45), order.Order()));
        Assert.Equal(3, orders.Select(o => string.Join(",", o)).Distinct().Count());
        Assert.NotEqual(Enumerable.Range(0, 45), orders[0]);
    }

    [Fact]
    public void Without_shuffle_every_epoch_visits_rows_in_order() =>
        Assert.All(Enumerable.Range(1, 3), epoch => Assert.Equal(Enumerable.Range(0, 45), BatchOrder.ForEpoch(Spec(shuffle: false), epoch, 45)));
}
