namespace Parity.Spec.Tests;

/// <summary>Settings that are each valid but cannot work together.</summary>
public class SpecCombinationTests
{
    [Theory]
    [InlineData("loss: cross-entropy", "cross-entropy needs one output per class (2), but the last linear layer has 1; use 'linear: 2' (or bce-with-logits for one output)", 4, 26)]
    [InlineData("data: {source: quadratic, train: 10}\nmodel: [linear: 4, relu, linear: 1]\nloss: cross-entropy", "cross-entropy needs class labels, but data source quadratic is a regression; use mse", 5, 7)]
    [InlineData("data: {source: fashion-mnist}\nmodel: [linear: 4]\nloss: cross-entropy", "cross-entropy needs one output per class: the data has 10 classes but the last linear layer has 4", 4, 9)]
    [InlineData("model: [linear: 4, relu, linear: 1]", "bce needs probabilities in [0, 1], but the model's last layer can leave [0, 1]; end the model with sigmoid, or use bce-with-logits", 4, 26)]
    [InlineData("model: [linear: 4, relu, linear: 1, relu]", "bce needs probabilities in [0, 1]", 4, 37)]
    [InlineData("model: [linear: 1, tanh]", "bce needs probabilities in [0, 1]", 4, 20)]
    [InlineData("loss: mse\ntargets: one-hot", "one-hot targets have 2 columns, but the last linear layer has 1 outputs; use 'linear: 2'", 4, 26)]
    [InlineData("data: {source: quadratic, train: 10}\nmodel: [linear: 1]\nloss: mse\ntargets: one-hot", "'targets: one-hot' needs class labels, but this data is a regression; remove it", 8, 10)]
    [InlineData("model: [linear: 2]\nloss: cross-entropy\ntargets: one-hot", "cross-entropy takes class indices; remove 'targets: one-hot'", 8, 10)]
    [InlineData("data: {source: fashion-mnist}\nmodel: [linear: 10]\nloss: mse", "the data has 10 classes; use cross-entropy, or 'targets: one-hot' with 10 outputs", 5, 7)]
    [InlineData("data: {source: quadratic, train: 10}\nmodel: [linear: 4, relu, linear: 2]\nloss: mse", "the target has 1 column(s) but the last linear layer has 2 outputs; use 'linear: 1'", 4, 26)]
    [InlineData("model: [linear: 4, relu, linear: 2]\nloss: nll", "nll takes log-probabilities, but the model's last layer is not log-softmax; end the model with log-softmax, or use cross-entropy on the logits", 4, 26)]
    [InlineData("model: [linear: 1, log-softmax]\nloss: nll", "nll needs one output per class (2), but the last linear layer has 1", 4, 9)]
    [InlineData("model: [linear: 2, log-softmax]\nloss: nll\ntargets: one-hot", "nll takes class indices; remove 'targets: one-hot'", 8, 10)]
    [InlineData("data: {source: disk, train: 10, validation: 0.05}", "'data.validation' 0.05 of 10 samples holds none out; raise it or remove it", 3, 7)]
    public void Impossible_combinations_point_at_the_layer_or_key_to_change(string overrides, string problem, int line, int column) =>
        SpecText.AssertError(SpecText.With(overrides), problem, line, column);

    [Theory]
    [InlineData("loss: bce", TargetEncoding.Label, AccuracyRule.AboveHalf)]
    [InlineData("model: [linear: 4, relu, linear: 2]\nloss: cross-entropy", TargetEncoding.ClassIndices, AccuracyRule.Argmax)]
    [InlineData("model: [linear: 4, relu, linear: 1]\nloss: bce-with-logits", TargetEncoding.Label, AccuracyRule.PositiveLogit)]
    [InlineData("model: [linear: 2]\nloss: mse\ntargets: one-hot", TargetEncoding.OneHot, AccuracyRule.Argmax)]
    [InlineData("data: {source: quadratic, train: 10}\nmodel: [linear: 1]\nloss: mse", TargetEncoding.Values, AccuracyRule.None)]
    [InlineData("model: [linear: 2, log-softmax]\nloss: nll", TargetEncoding.ClassIndices, AccuracyRule.Argmax)]
    [InlineData("data: {source: quadratic, train: 10}\nmodel: [linear: 1]\nloss: {kind: huber, delta: 0.5}", TargetEncoding.Values, AccuracyRule.None)]
    public void Possible_combinations_say_how_targets_reach_the_loss(string overrides, TargetEncoding encoding, AccuracyRule accuracy)
    {
        var spec = SpecText.ParseWith(overrides);
        Assert.Equal(encoding, spec.TargetEncoding);
        Assert.Equal(accuracy, spec.Accuracy);
    }
}
