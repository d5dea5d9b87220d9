using System.Numerics;
using Parity.Engine.Modules;

namespace Parity.Engine.Optimizers;

/// <summary>
/// An update rule that treats each parameter value on its own, given numbers fixed once per step (the
/// step count, bias corrections, the learning rate): a step is <see cref="BeginStep"/>, then every
/// block of every parameter (<see cref="CacheBlocks"/>) in any order and on any thread, then
/// <see cref="EndStep"/>. <see cref="Step"/> takes the blocks in order on the calling thread; a split
/// training step hands them to the engine's threads (RowSplit). Either way each value goes through
/// the same operations in the same order, so the results are the same bit for bit.
/// </summary>
public abstract class BlockedOptimizer<T> : IOptimizer where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly (int Parameter, int Start, int Length)[] _blocks;

    protected BlockedOptimizer(IReadOnlyList<Parameter<T>> parameters, double lr)
    {
        Parameters = parameters;
        Lr = lr;
        _blocks = CacheBlocks.Over(parameters, CacheBlocks.Size<T>());
    }

    protected IReadOnlyList<Parameter<T>> Parameters { get; }

    public double Lr { get; set; }

    /// <summary>The blocks a step updates, numbered from 0.</summary>
    public int Blocks => _blocks.Length;

    /// <summary>Which values block <paramref name="block"/> updates: its parameter's index and the block's range of its values.</summary>
    public (int Parameter, int Start, int Length) Block(int block) => _blocks[block];

    public void Step()
    {
        BeginStep();
        for (var block = 0; block < _blocks.Length; block++)
            Update(block);
        EndStep();
    }

    /// <summary>Counts the step and fixes its numbers, before any block.</summary>
    public abstract void BeginStep();

    /// <summary>Updates one block, on any thread, between <see cref="BeginStep"/> and <see cref="EndStep"/>.</summary>
    public void Update(int block)
    {
        var (parameter, start, length) = Block(block);
        Update(parameter, start, length, Parameters[parameter].Value.Data.AsSpan(start, length), Parameters[parameter].Grad.Data.AsSpan(start, length));
    }

    /// <summary>
    /// Updates values [start, start + length) of parameter <paramref name="parameter"/> and of its state:
    /// <paramref name="p"/> and <paramref name="grad"/> are that block of its values and of its gradient.
    /// </summary>
    protected abstract void Update(int parameter, int start, int length, Span<T> p, ReadOnlySpan<T> grad);

    /// <summary>After every block.</summary>
    public virtual void EndStep()
    {
    }

    public abstract IReadOnlyList<HostTensor> State();

    public abstract void SetState(IReadOnlyList<HostTensor> state);
}
