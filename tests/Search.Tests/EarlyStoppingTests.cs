namespace FocusedQuantization.Search.Tests;

public class EarlyStoppingTests
{
    [Theory]
    [InlineData(8, 3, 1.0 / 9, new[] { 1, 3, 8 })]
    [InlineData(22, 3, 1.0 / 9, new[] { 2, 7, 22 })]
    [InlineData(4, 3, 1.0 / 9, new[] { 1, 4 })]
    [InlineData(1, 3, 1.0 / 9, new[] { 1 })]
    [InlineData(27, 3, 1.0 / 27, new[] { 1, 3, 9, 27 })]
    [InlineData(16, 2, 0.25, new[] { 4, 8, 16 })]
    [InlineData(8, 2, 1.0 / 8, new[] { 1, 2, 4, 8 })]
    [InlineData(7, 2, 1.0 / 8, new[] { 1, 2, 4, 7 })]
    [InlineData(22, 2, 1.0 / 8, new[] { 3, 6, 11, 22 })]
    public void Rungs_are_geometric_fractions_of_the_schedule_ending_with_the_whole(int total, int eta, double minFraction, int[] expected)
    {
        var schedule = RungSchedule.Geometric(total, eta, minFraction);
        Assert.Equal(expected, schedule.Epochs);
        Assert.Equal(total, schedule.TotalEpochs);
    }

    [Theory]
    [InlineData(8, new[] { 1, 2, 4 }, new[] { 1, 2, 4, 8 })]
    [InlineData(8, new[] { 4, 1, 2, 2 }, new[] { 1, 2, 4, 8 })]
    [InlineData(5, new[] { 1, 2, 4, 6, 8 }, new[] { 1, 2, 4, 5 })]
    [InlineData(3, new[] { 3, 4 }, new[] { 3 })]
    public void Given_rungs_are_kept_in_order_within_the_schedule_and_end_with_the_whole(int total, int[] given, int[] expected)
    {
        var schedule = RungSchedule.Explicit(total, given);
        Assert.Equal(expected, schedule.Epochs);
        Assert.Equal(total, schedule.TotalEpochs);
    }

    [Fact]
    public void A_trial_goes_on_only_within_the_best_third_by_non_dominated_rank_then_crowding()
    {
        var asha = new MultiObjectiveAsha(3);
        // Minimized pairs: 0..2 form the front (2 in its middle), 3 and 4 are dominated, 5 is dominated by everything.
        RungResult[] results =
        [
            new(0, [1.0, 5.0]), new(1, [5.0, 1.0]), new(2, [3.0, 3.0]),
            new(3, [4.0, 4.0]), new(4, [2.0, 6.0]), new(5, [9.0, 9.0]),
        ];
        // Six at the rung: two go on, the extremes of the front (infinite crowding), in number order.
        var order = MultiObjectiveAsha.Order(results);
        Assert.Equal([0, 1, 2], order[..3]);
        Assert.Equal(5, order[^1]);
        Assert.True(asha.Promotes(results[0], results[1..]));
        Assert.True(asha.Promotes(results[1], [.. results.Where(r => r.Number != 1)]));
        Assert.False(asha.Promotes(results[2], [.. results.Where(r => r.Number != 2)]));
        Assert.False(asha.Promotes(results[5], results[..5]));
    }

    [Fact]
    public void The_first_trial_at_a_rung_always_goes_on_and_infeasible_trials_come_last()
    {
        var asha = new MultiObjectiveAsha(3);
        Assert.True(asha.Promotes(new RungResult(7, [9.0, 9.0]), []));
        // Better objectives do not help a trial that breaks the constraint.
        RungResult[] results = [new(0, [0.0, 0.0], Violation: 2), new(1, [5.0, 5.0]), new(2, [6.0, 6.0])];
        Assert.Equal([1, 2, 0], MultiObjectiveAsha.Order(results));
        Assert.False(asha.Promotes(results[0], results[1..]));
    }

    [Fact]
    public void A_repeat_ranks_after_every_distinct_result_and_does_not_count_towards_the_quota()
    {
        var asha = new MultiObjectiveAsha(2);
        // 3 repeats 0 (an extreme of the front, so without the rule it would tie for the top), 4 repeats 1.
        RungResult[] results = [new(0, [1.0, 5.0]), new(1, [5.0, 1.0]), new(2, [6.0, 6.0]), new(3, [1.0, 5.0]), new(4, [5.0, 1.0])];
        Assert.Equal([0, 1, 2, 3, 4], MultiObjectiveAsha.Order(results));
        // Five at the rung, three distinct: one goes on (not two, as five would give).
        var judged = asha.Judge(results[1], [.. results.Where(r => r.Number != 1)]);
        Assert.Equal((false, 1, 5, 1), (judged.GoesOn, judged.Position, judged.Count, judged.Quota));
        Assert.Null(judged.RepeatOf);
        var repeat = asha.Judge(results[3], results[..3]);
        Assert.Equal((false, 3, 1), (repeat.GoesOn, repeat.Position, repeat.Quota));
        Assert.Equal(0, repeat.RepeatOf);
        // A repeat's only peer is its original: one distinct result, which goes on; the repeat does not.
        Assert.False(asha.Promotes(results[3], [results[0]]));
        Assert.True(asha.Promotes(results[0], [results[3]]));
        // The same figures with a different constraint violation are not a repeat.
        Assert.Null(asha.Judge(new RungResult(5, [1.0, 5.0], Violation: 1), results[..1]).RepeatOf);
    }

    [Fact]
    public void Late_promotions_count_only_distinct_trials()
    {
        var asha = new MultiObjectiveAsha(2);
        static RungResult R(int n, double a, double b) => new(n, [a, b]);
        // Rung 0: 0 completed; 1 and 3 stopped there, 2 too, as a repeat of 0. Four trials but three distinct: the quota
        // is one, which 0 holds; counting the repeat (quota two) would resume 1.
        RungHistory[] settled =
        [
            new(0, [R(0, 1, 5), R(0, 1, 4)], Stopped: false),
            new(1, [R(1, 5, 1)], Stopped: true),
            new(2, [R(2, 1, 5)], Stopped: true),
            new(3, [R(3, 6, 6)], Stopped: true),
        ];
        Assert.Empty(asha.LatePromotions(settled));
        // A fourth distinct trial makes the quota two: 1, the other extreme of the front, is resumed; the repeat never is.
        Assert.Equal([1], asha.LatePromotions([.. settled, new RungHistory(4, [R(4, 7, 7)], Stopped: true)]));
    }

    [Fact]
    public void The_order_does_not_depend_on_the_order_results_are_given_in()
    {
        var random = new Random(5);
        var results = Enumerable.Range(0, 40).Select(i => new RungResult(i, [Math.Round(random.NextDouble(), 2), Math.Round(random.NextDouble(), 2)])).ToArray();
        var shuffled = results.ToArray();
        random.Shuffle(shuffled);
        Assert.Equal(MultiObjectiveAsha.Order(results), MultiObjectiveAsha.Order(shuffled));
        Assert.Equal(40, MultiObjectiveAsha.Order(results).Distinct().Count());
    }

    [Fact]
    public void Late_promotions_resume_stopped_trials_that_rank_in_the_best_third_of_their_last_rung_among_all()
    {
        var asha = new MultiObjectiveAsha(3);
        static RungResult R(int n, double a, double b) => new(n, [a, b]);
        // Rung 0 holds six trials: 0 and 1 went on (completed), 2..5 stopped there. The best two at rung 0 are 2 (the
        // extreme of the front) and 0; so 2, stopped early while it had few peers, is resumed, and 3..5 are not.
        RungHistory[] settled =
        [
            new(0, [R(0, 1, 5), R(0, 1, 4)], Stopped: false),
            new(1, [R(1, 4, 4), R(1, 3, 3)], Stopped: false),
            new(2, [R(2, 5, 0.5)], Stopped: true),
            new(3, [R(3, 6, 6)], Stopped: true),
            new(4, [R(4, 7, 7)], Stopped: true),
            new(5, [R(5, 8, 8)], Stopped: true),
        ];
        Assert.Equal([2], asha.LatePromotions(settled));
        // Nothing stopped, nothing to resume.
        Assert.Empty(asha.LatePromotions(settled[..2]));
    }
}
