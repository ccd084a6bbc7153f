namespace FocusedQuantization.Search.Tests;

/// <summary>
/// The model-based samplers must learn: over 5 seeds at 100 trials their median hypervolume beats random search's on
/// the test problems. These are real comparisons that a broken operator or estimator fails.
/// </summary>
public class SamplerQualityTests
{
    private const int Trials = 100;
    private static readonly int[] Seeds = [0, 1, 2, 3, 4];

    private static double MedianHypervolume(Func<int, ISampler> make, SearchSpace space, Func<int, Point, Observation> evaluate) =>
        TestProblems.Median(Seeds.Select(seed => TestProblems.FeasibleHypervolume(TestProblems.Run(make(seed), space, evaluate, Trials))));

    public static TheoryData<string> Problems => ["sphere", "constrained", "mixed", "three objectives"];

    private static (SearchSpace Space, Func<int, Point, Observation> Evaluate) Problem(string name) => name switch
    {
        "sphere" => (TestProblems.Sphere, TestProblems.SphereTrial),
        "constrained" => (TestProblems.Sphere, TestProblems.ConstrainedTrial),
        "three objectives" => (TestProblems.Sphere, TestProblems.TripleTrial),
        _ => (TestProblems.Mixed, TestProblems.MixedTrial),
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public void Nsga2_beats_random_search(string name)
    {
        var (space, evaluate) = Problem(name);
        var random = MedianHypervolume(seed => new RandomSampler(seed), space, evaluate);
        var nsga2 = MedianHypervolume(seed => new Nsga2Sampler(seed), space, evaluate);
        TestContext.Current.SendDiagnosticMessage($"{name}: nsga2 {nsga2:F1}, random {random:F1}");
        Assert.True(nsga2 > random * 1.05, $"nsga2 {nsga2:F1} against random {random:F1}");
    }

    [Theory]
    [MemberData(nameof(Problems))]
    public void Motpe_beats_random_search(string name)
    {
        var (space, evaluate) = Problem(name);
        var random = MedianHypervolume(seed => new RandomSampler(seed), space, evaluate);
        var motpe = MedianHypervolume(seed => new MotpeSampler(seed), space, evaluate);
        TestContext.Current.SendDiagnosticMessage($"{name}: motpe {motpe:F1}, random {random:F1}");
        Assert.True(motpe > random * 1.05, $"motpe {motpe:F1} against random {random:F1}");
    }

    [Fact]
    public void Nsga2_and_motpe_ask_mostly_feasible_points_once_they_have_learned_the_constraint()
    {
        foreach (var seed in Seeds)
        {
            var random = TestProblems.Run(new RandomSampler(seed), TestProblems.Sphere, TestProblems.ConstrainedTrial, Trials);
            var randomShare = random.Skip(50).Count(o => o.IsFeasible) / 50.0;
            // NSGA-II breeds from feasible parents; MOTPE weighs each candidate by its estimated chance of feasibility and
            // so still probes the boundary, where the constrained front lies.
            foreach (var (sampler, least) in new (ISampler, double)[] { (new Nsga2Sampler(seed), 0.7), (new MotpeSampler(seed), 0.5) })
            {
                var history = TestProblems.Run(sampler, TestProblems.Sphere, TestProblems.ConstrainedTrial, Trials);
                var share = history.Skip(50).Count(o => o.IsFeasible) / 50.0;
                Assert.True(share >= least && share > randomShare + 0.2, $"{sampler.Name} seed {seed}: {share:P0} of its last 50 asks feasible (random {randomShare:P0})");
            }
        }
    }

    [Fact]
    public void With_nothing_feasible_yet_the_least_violating_trials_lead()
    {
        // Every trial so far is infeasible; the sampler should move toward smaller violation rather than wander.
        var space = TestProblems.Sphere;
        Observation Evaluate(int n, Point p) => new(n, p, ObservationState.Complete, TestProblems.SphereValues(p), Math.Max(0, p["x0"] + 2.5));
        foreach (var seed in Seeds)
        {
            var history = TestProblems.Run(new RandomSampler(seed), space, Evaluate, 20).Select(o => o with { Violation = o.Violation + 1 }).ToList();
            foreach (ISampler sampler in new ISampler[] { new Nsga2Sampler(seed, population: 10), new MotpeSampler(seed) })
            {
                var asked = Enumerable.Range(20, 10).Select(n => sampler.Ask(space, history, n)["x0"]).Average();
                var seen = history.Average(o => o.Point["x0"]);
                Assert.True(asked < seen, $"{sampler.Name} seed {seed}: mean x0 {asked:F2} asked, {seen:F2} seen");
            }
        }
    }
}
