using Parity.Spec.Yaml;

namespace Parity.Spec;

/// <summary>
/// The checks that need several keys at once: settings that are each valid but cannot work together
/// (cross-entropy on one output, BCE after a layer that can leave [0, 1], nll after anything but
/// log-softmax, an output width that does not fit the data, token data without cross-entropy over [T, V]).
/// </summary>
static class SpecCombinations
{
    public static void Check(ParitySpec spec, MappingReader root)
    {
        var lastLinear = spec.LinearLayers.Last();
        var lastLayer = spec.Model[^1];
        var classes = spec.Shape.Classes;
        var lossMark = root.Required("loss").Mark;
        var width = spec.OutputWidth;

        var loss = spec.Loss.Op;
        if (spec.Shape.IsSequence)
        {
            CheckSequence(spec, root, lastLayer);
            return;
        }
        if (loss.TakesClasses)
        {
            if (classes is null)
                throw new SpecException(lossMark, $"{loss.Keyword} needs class labels, but data source {SpecLoader.Keyword(spec.Data.Source)} is a regression; use mse");
            if (width < 2)
                throw new SpecException(lastLinear.Mark, $"{loss.Keyword} needs one output per class ({classes}), but the last linear layer has {width}; use 'linear: {classes}' (or bce-with-logits for one output)");
            if (width != classes)
                throw new SpecException(lastLinear.Mark, $"{loss.Keyword} needs one output per class: the data has {classes} classes but the last linear layer has {width}");
        }
        // PyTorch's nll_loss takes any input, but on anything but log-probabilities it is not a likelihood
        // and training pushes the picked output to +∞; the model says which it gets.
        if (spec.Loss.Kind == LossKind.Nll && lastLayer is not OpLayer { Op.IsLogProbability: true })
            throw new SpecException(lastLayer.Mark, "nll takes log-probabilities, but the model's last layer is not log-softmax; end the model with log-softmax, or use cross-entropy on the logits");
        if (loss.TakesProbabilities && lastLayer is not OpLayer { Op.IsProbability: true })
            throw new SpecException(lastLayer.Mark, $"{loss.Keyword} needs probabilities in [0, 1], but the model's last layer can leave [0, 1]; end the model with sigmoid, or use bce-with-logits");

        if (spec.OneHotTargets)
        {
            if (classes is null)
                throw new SpecException(root.Required("targets").Mark, "'targets: one-hot' needs class labels, but this data is a regression; remove it");
            if (loss.TakesClasses)
                throw new SpecException(root.Required("targets").Mark, $"{loss.Keyword} takes class indices; remove 'targets: one-hot'");
            if (width != classes)
                throw new SpecException(lastLinear.Mark, $"one-hot targets have {classes} columns, but the last linear layer has {width} outputs; use 'linear: {classes}'");
        }
        else if (!loss.TakesClasses)
        {
            if (classes is not null && classes != 2)
                throw new SpecException(lossMark, $"the data has {classes} classes; use cross-entropy, or 'targets: one-hot' with {classes} outputs");
            if (width != spec.Shape.TargetWidth)
                throw new SpecException(lastLinear.Mark, $"the target has {spec.Shape.TargetWidth} column(s) but the last linear layer has {width} outputs; use 'linear: {spec.Shape.TargetWidth}'");
        }

        CheckValidation(spec, root);
    }

    static void CheckValidation(ParitySpec spec, MappingReader root)
    {
        if (spec.Data.Validation > 0 && spec.Data.Train * spec.Data.Validation < 1)
            throw new SpecException(root.Required("data").Mark, $"'data.validation' {spec.Data.Validation} of {spec.Data.Train} samples holds none out; raise it or remove it");
    }

    /// <summary>
    /// Token data is scored per position: cross-entropy over an output [T, V], one row of logits per position
    /// of the data's T and one logit per token of its vocabulary V, as PyTorch's cross_entropy(logits.view(-1, V), targets.view(-1)).
    /// </summary>
    static void CheckSequence(ParitySpec spec, MappingReader root, LayerSpec lastLayer)
    {
        var (positions, vocabulary, source) = (spec.Shape.Features, spec.Shape.Vocabulary!.Value, SpecLoader.Keyword(spec.Data.Source));
        if (spec.Loss.Kind != LossKind.CrossEntropy)
            throw new SpecException(root.Required("loss").Mark, $"data source {source} is scored per token, which {spec.Loss.Op.Keyword} does not do; use loss: cross-entropy");
        if (spec.OneHotTargets)
            throw new SpecException(root.Required("targets").Mark, "cross-entropy takes class indices; remove 'targets: one-hot'");
        var output = LayerShapes.Of(spec)[^1].Out;
        if (output is not [var t, var v] || t != positions || v != vocabulary)
            throw new SpecException(lastLayer.Mark, $"cross-entropy over data source {source} needs one row of {vocabulary} logits per position, [{positions}, {vocabulary}], but the model's output is {LayerShapes.Text(output)}; end the model with 'linear: {vocabulary}'");
        CheckValidation(spec, root);
    }
}
