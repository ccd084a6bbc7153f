namespace FocusedQuantization.Search.Tests;

public class SamplerFactoryTests
{
    [Theory]
    [InlineData("grid", typeof(GridSampler))]
    [InlineData("random", typeof(RandomSampler))]
    [InlineData("nsga2", typeof(Nsga2Sampler))]
    [InlineData("MOTPE", typeof(MotpeSampler))]
    public void Creates_each_sampler_by_name(string name, Type type)
    {
        var sampler = Samplers.Create(name, 3, null);
        Assert.IsType(type, sampler);
        Assert.Equal(name.ToLowerInvariant(), sampler.Name);
        Assert.Contains(sampler.Name, Samplers.Names);
    }

    [Fact]
    public void Passes_settings_and_keeps_defaults_for_the_rest()
    {
        var nsga2 = Assert.IsType<Nsga2Sampler>(Samplers.Create("nsga2", 1, new SamplerSettings(Population: 12)));
        Assert.Equal(12, nsga2.Population);
        Assert.Equal(12, nsga2.Startup);
        var motpe = Assert.IsType<MotpeSampler>(Samplers.Create("motpe", 1, new SamplerSettings(Startup: 7, Candidates: 50)));
        Assert.Equal(7, motpe.Startup);
        Assert.Equal(50, motpe.Candidates);
        Assert.Equal(MotpeSampler.DefaultCandidates, Assert.IsType<MotpeSampler>(Samplers.Create("motpe", 1, new SamplerSettings())).Candidates);
    }

    [Fact]
    public void The_same_name_and_seed_give_the_same_sampler_behaviour()
    {
        var history = TestProblems.Run(new RandomSampler(5), TestProblems.Sphere, TestProblems.SphereTrial, 30);
        foreach (var name in new[] { "random", "nsga2", "motpe" })
            Assert.Equal(
                TestProblems.Describe(TestProblems.Sphere, Samplers.Create(name, 8, null).Ask(TestProblems.Sphere, history, 30)),
                TestProblems.Describe(TestProblems.Sphere, Samplers.Create(name, 8, null).Ask(TestProblems.Sphere, history, 30)));
    }

    [Fact]
    public void Unknown_names_and_bad_settings_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Samplers.Create("cmaes", 1, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => Samplers.Create("nsga2", 1, new SamplerSettings(Population: 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Samplers.Create("motpe", 1, new SamplerSettings(Candidates: 0)));
    }
}
