using Parity.Spec.Yaml;

namespace Parity.Spec;

/// <summary>
/// The checks that need several keys at once: settings that are each valid but cannot work together
/// (cross-entropy on one output, BCE after a layer that can leave [0, 1], an output width that does
/// not fit the data).
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

        switch (spec.Loss.Kind)
        {
            case LossKind.CrossEntropy when classes is null:
                throw new SpecException(lossMark, $"cross-entropy needs class labels, but data source {SpecLoader.Keyword(spec.Data.Source)} is a regression; use mse");
            case LossKind.CrossEntropy when width < 2:
                throw new SpecException(lastLinear.Mark, $"cross-entropy needs one output per class ({classes}), but the last linear layer has {width}; use 'linear: {classes}' (or bce-with-logits for one output)");
            case LossKind.CrossEntropy when width != classes:
                throw new SpecException(lastLinear.Mark, $"cross-entropy needs one output per class: the data has {classes} classes but the last linear layer has {width}");
            case LossKind.Bce when lastLayer is not OpLayer { Op.IsProbability: true }:
                throw new SpecException(lastLayer.Mark, "bce needs probabilities in [0, 1], but the model's last layer can leave [0, 1]; end the model with sigmoid, or use bce-with-logits");
        }

        if (spec.OneHotTargets)
        {
            if (classes is null)
                throw new SpecException(root.Required("targets").Mark, "'targets: one-hot' needs class labels, but this data is a regression; remove it");
            if (spec.Loss.Kind == LossKind.CrossEntropy)
                throw new SpecException(root.Required("targets").Mark, "cross-entropy takes class indices; remove 'targets: one-hot'");
            if (width != classes)
                throw new SpecException(lastLinear.Mark, $"one-hot targets have {classes} columns, but the last linear layer has {width} outputs; use 'linear: {classes}'");
        }
        else if (spec.Loss.Kind != LossKind.CrossEntropy)
        {
            if (classes is not null && classes != 2)
                throw new SpecException(lossMark, $"the data has {classes} classes; use cross-entropy, or 'targets: one-hot' with {classes} outputs");
            if (width != spec.Shape.TargetWidth)
                throw new SpecException(lastLinear.Mark, $"the target has {spec.Shape.TargetWidth} column(s) but the last linear layer has {width} outputs; use 'linear: {spec.Shape.TargetWidth}'");
        }

        if (spec.Data.Validation > 0 && spec.Data.Train * spec.Data.Validation < 1)
            throw new SpecException(root.Required("data").Mark, $"'data.validation' {spec.Data.Validation} of {spec.Data.Train} samples holds none out; raise it or remove it");
    }
}
