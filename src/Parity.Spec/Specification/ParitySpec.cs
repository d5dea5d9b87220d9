namespace Parity.Spec;

public enum DType { Float64, Float32 }

/// <summary>
/// One experiment, validated: everything both engines need to start from the same state and train
/// the same way. Built by <see cref="SpecLoader"/>; immutable.
/// </summary>
public sealed record ParitySpec(
    string Name,
    string Description,
    long Seed,
    DType DType,
    DataSpec Data,
    DataShape Shape,
    IReadOnlyList<LayerSpec> Model,
    InitSpec Init,
    LossSpec Loss,
    bool OneHotTargets,
    OptimizerSpec Optimizer,
    ScheduleSpec? Schedule,
    ClipSpec? Clip,
    TrainingSpec Train,
    ToleranceSpec Tolerance,
    ExpectSpec Expect,
    string SourcePath,
    GridSpec? Grid = null,
    BenchSpec? Bench = null)
{
    public IEnumerable<LinearLayer> LinearLayers => Model.OfType<LinearLayer>();

    /// <summary>The features of the model's output for one sample.</summary>
    public int OutputWidth => LayerShapes.Count(LayerShapes.Of(this)[^1].Out);

    /// <summary>How the data's targets reach the loss.</summary>
    public TargetEncoding TargetEncoding =>
        Loss.Op.TakesClasses ? TargetEncoding.ClassIndices
        : OneHotTargets ? TargetEncoding.OneHot
        : Shape.Classes is null ? TargetEncoding.Values
        : TargetEncoding.Label;

    /// <summary>How an output row becomes a predicted class (none for regression).</summary>
    public AccuracyRule Accuracy =>
        Shape.Classes is null ? AccuracyRule.None
        // minGPT's sorting demo judges whole sorted sequences; a language model its next characters.
        : Shape.IsSequence ? (Data.Source == DataSource.Sort ? AccuracyRule.PerSequence : AccuracyRule.PerToken)
        : OutputWidth > 1 ? AccuracyRule.Argmax
        : Loss.Kind == LossKind.BceWithLogits ? AccuracyRule.PositiveLogit
        : AccuracyRule.AboveHalf;
}

/// <summary>What the data looks like, known before any sample is generated or read.</summary>
public sealed record DataShape(int Features, int? Classes, int TargetWidth)
{
    /// <summary>
    /// For token data (sort, text): how many distinct token ids a sample holds. Features is then the sequence's
    /// length T, a sample's input T ids, and its target T class indices (TargetWidth = T), <see cref="Batch.IgnoredTarget"/>
    /// where the task scores none; null for features.
    /// </summary>
    public int? Vocabulary { get; init; }

    public bool IsSequence => Vocabulary is not null;
}

public enum TargetEncoding
{
    /// <summary>int class index per row (cross-entropy).</summary>
    ClassIndices,
    /// <summary>one row of 0/1 per sample, width = classes.</summary>
    OneHot,
    /// <summary>the class index as a single float column (binary tasks).</summary>
    Label,
    /// <summary>regression targets as they are.</summary>
    Values,
}

/// <summary>
/// How outputs become a share of right answers: per row (argmax, or one output against ½ or 0), or for a sequence
/// output [T, V] by argmax per position at the positions the target scores — each such token counted
/// (<see cref="PerToken"/>), or each row counted when all its scored tokens are right (<see cref="PerSequence"/>).
/// </summary>
public enum AccuracyRule { None, Argmax, AboveHalf, PositiveLogit, PerToken, PerSequence }
