namespace Parity.Engine.Tests;

/// <summary>
/// <see cref="PhaseTickets"/>, which hands a split step's items out: a ticket says its own phase and count however
/// late it is read, so a thread held up between taking a spent ticket and reading it stops rather than running an
/// item of the phase begun meanwhile. RowSplitTests' busy-machine test looks for that race at random moments, but
/// its window is a few instructions wide: with the phase and count planted back into fields, it caught it in none
/// of 48 runs. Here it is made to happen.
/// </summary>
public class PhaseTicketsTests
{
    [Fact]
    public void A_spent_ticket_read_after_the_next_phase_began_is_still_its_own_phase_s_and_spent()
    {
        var tickets = new PhaseTickets();
        tickets.Issue(1, 2);
        Assert.Equal((1, 2, 0), tickets.Read(tickets.Take()));
        Assert.Equal((1, 2, 1), tickets.Read(tickets.Take()));

        // A thread takes a spent ticket, and is held up while the next, larger phase begins.
        var late = tickets.Take();
        tickets.Issue(2, 5);

        Assert.Equal((1, 2, 2), tickets.Read(late));
        Assert.Equal((2, 5, 0), tickets.Read(tickets.Take()));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(2, 12_345)]
    [InlineData(PhaseTickets.MaxPhase, PhaseTickets.MaxItems)]
    public void Every_phase_and_count_comes_back_from_its_tickets(int phase, int items)
    {
        var tickets = new PhaseTickets();
        tickets.Issue(phase, items);

        Assert.Equal((phase, items, 0), tickets.Read(tickets.Take()));
        Assert.Equal((phase, items, 1), tickets.Read(tickets.Take()));
    }

    [Fact]
    public void A_count_beyond_29_bits_or_a_ninth_phase_is_refused()
    {
        var tickets = new PhaseTickets();
        Assert.Throws<ArgumentOutOfRangeException>(() => tickets.Issue(0, PhaseTickets.MaxItems + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => tickets.Issue(PhaseTickets.MaxPhase + 1, 1));
    }
}
