namespace Parity.Engine;

/// <summary>
/// How <see cref="RowSplit{T}"/> hands a phase's items out to its threads: one 64-bit counter holding the phase
/// (3 bits), its item count (29 bits) and the next item (32 bits), a thread taking the next ticket with one atomic
/// increment. A ticket carries its own phase and count: a thread late from the last phase holds one of that
/// phase's spent tickets (its item past that phase's count) and stops, whatever phase has begun meanwhile. With
/// the phase and count in fields read after taking the ticket, such a thread could read the next phase's larger
/// count and run an item that phase also hands out: a merge block summed twice.
/// </summary>
public sealed class PhaseTickets
{
    /// <summary>The highest phase, and the most items a phase can hand out: the phase has 3 bits, its count 29.</summary>
    public const int MaxPhase = 7, MaxItems = (1 << 29) - 1;

    long _next;

    /// <summary>Starts phase <paramref name="phase"/> (0 to <see cref="MaxPhase"/>) of <paramref name="items"/> items: the next tickets are its items from 0 on.</summary>
    public void Issue(int phase, int items)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)phase, (uint)MaxPhase, nameof(phase));
        if ((uint)items > MaxItems)
            throw new ArgumentOutOfRangeException(nameof(items), $"{items} items do not fit a ticket");
        Interlocked.Exchange(ref _next, ((long)phase << 61) | ((long)items << 32));
    }

    /// <summary>The next ticket; <see cref="Read"/> says which item of which phase it is.</summary>
    public long Take() => Interlocked.Increment(ref _next) - 1;

    /// <summary>
    /// The ticket's phase, that phase's item count and the ticket's item — from the ticket alone, however long
    /// after <see cref="Take"/> it is read: the item is one to run while it is below the count.
    /// </summary>
    public (int Phase, int Items, int Item) Read(long ticket) => ((int)(ticket >>> 61), (int)((ticket >> 32) & MaxItems), (int)(uint)ticket);
}
