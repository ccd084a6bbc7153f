using FocusedQuantization.Compression.Training;
using FocusedQuantization.Compression.Training.Optimization;
using TorchSharp;
using Xunit;
using static FocusedQuantization.Compression.Tests.Training.SyntheticData;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Tests.Training;

public sealed class OptimizerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(false, 0.01)]
    [InlineData(true, 0.01)]
    public void Sgd_follows_pytorchs_update_rule_with_momentum_nesterov_and_weight_decay(bool nesterov, double weightDecay)
    {
        const double lr = 0.1, momentum = 0.9;
        using var parameter = new TorchSharp.Modules.Parameter(torch.tensor(new float[] { 1f, -2f, 0.5f }));
        using var optimizer = new SgdOptimizer([parameter], lr, momentum, weightDecay, nesterov);
        double[] p = [1, -2, 0.5], buffer = new double[3];
        float[][] gradients = [[0.5f, 1f, -1f], [0.25f, -0.5f, 2f], [1f, 1f, 1f]];
        for (var step = 0; step < gradients.Length; step++)
        {
            optimizer.ZeroGrad();
            using (var loss = (parameter * torch.tensor(gradients[step])).sum()) loss.backward();
            optimizer.Step();
            for (var i = 0; i < 3; i++)
            {
                var d = gradients[step][i] + weightDecay * p[i];
                buffer[i] = step == 0 ? d : momentum * buffer[i] + d;
                p[i] -= lr * (nesterov ? d + momentum * buffer[i] : buffer[i]);
            }
            var actual = parameter.data<float>().ToArray();
            for (var i = 0; i < 3; i++) Assert.Equal(p[i], actual[i], 5);
        }
    }

    [Fact]
    public void Adam_follows_the_bias_corrected_update_rule()
    {
        const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        using var parameter = new TorchSharp.Modules.Parameter(torch.tensor(new float[] { 1f, -2f }));
        using var optimizer = new AdamOptimizer([parameter], lr);
        double[] p = [1, -2], m = new double[2], v = new double[2];
        float[][] gradients = [[0.5f, -1f], [2f, 0.25f], [-1f, -1f]];
        for (var step = 1; step <= gradients.Length; step++)
        {
            optimizer.ZeroGrad();
            using (var loss = (parameter * torch.tensor(gradients[step - 1])).sum()) loss.backward();
            optimizer.Step();
            for (var i = 0; i < 2; i++)
            {
                double g = gradients[step - 1][i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                p[i] -= lr / (1 - Math.Pow(b1, step)) * m[i] / (Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(b2, step)) + eps);
            }
            var actual = parameter.data<float>().ToArray();
            for (var i = 0; i < 2; i++) Assert.Equal(p[i], actual[i], 5);
        }
    }

    [Fact]
    public void A_learning_rate_change_applies_from_the_next_step()
    {
        using var parameter = new TorchSharp.Modules.Parameter(torch.tensor(new float[] { 0f }));
        using var optimizer = new SgdOptimizer([parameter], 0.5);
        optimizer.LearningRate = 0.25;
        using (var two = torch.tensor(new float[] { 2f }))
        using (var loss = (parameter * two).sum()) loss.backward();
        optimizer.Step();
        Assert.Equal(-0.5f, parameter.data<float>()[0]);
        Assert.Throws<ArgumentException>(() => optimizer.LearningRate = double.NaN);
    }

    /// <summary>
    /// The defect behind runs that went NaN on some machines: TorchSharp's optimiser passed temporary Scalars (learning
    /// rate, momentum) that the finalizer could free while libtorch read them, so an update now and then used garbage.
    /// Here a thread collects garbage and runs finalizers all the time while two trainings run at once; each must end
    /// with exactly the weights of an undisturbed run.
    /// </summary>
    [Fact]
    public void Training_while_the_garbage_collector_runs_all_the_time_gives_the_undisturbed_weights()
    {
        var data = RandomImages(512, 28, 28, seed: 4);
        var options = new TrainerOptions { Epochs = 3, BatchSize = 8, LearningRate = 0.01, Seed = 5 };
        float[] Train()
        {
            using var model = FocusedQuantization.Compression.Models.ModelZoo.Create("lenet5", null, seed: 3);
            using var trainer = new Trainer(model, options);
            trainer.Train(data, cancellationToken: Ct);
            return model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        }
        var quiet = Train();
        Assert.All(quiet, w => Assert.True(float.IsFinite(w)));

        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Thread.Sleep(2);
            }
        }) { IsBackground = true };
        collector.Start();
        try
        {
            // More trainings than cores: a thread preempted between handing a Scalar's handle to libtorch and libtorch
            // reading it leaves the collector a wide window, as on a busy machine.
            var disturbed = Enumerable.Range(0, 8).AsParallel().WithDegreeOfParallelism(4).Select(_ => Train()).ToArray();
            Assert.All(disturbed, weights => Assert.Equal(quiet, weights));
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
    }

    private static FocusedQuantization.Compression.Data.ImageDataset RandomImages(int count, int height, int width, int seed)
    {
        var random = new Random(seed);
        var pixels = new float[count * height * width];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (float)random.NextDouble();
        var labels = Enumerable.Range(0, count).Select(_ => (long)random.Next(10)).ToArray();
        return new FocusedQuantization.Compression.Data.ImageDataset("noise", pixels, labels, 1, height, width, 10);
    }
}
