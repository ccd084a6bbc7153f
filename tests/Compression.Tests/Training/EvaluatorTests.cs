using FocusedQuantization.Compression.Data;
using FocusedQuantization.Compression.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FocusedQuantization.Compression.Tests.Training;

public sealed class EvaluatorTests
{
    public EvaluatorTests() => torch.set_num_threads(1);

    [Fact]
    public void Counts_labels_within_the_top_k_of_hand_made_logits()
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.tensor(new float[]
        {
            // ranks of classes 0..5 by logit: row 0 -> 5,4,3,2,1,0; row 1 -> 0,1,2,3,4,5; row 2 -> 2,0,5,1,3,4
            0f, 1f, 2f, 3f, 4f, 5f,
            9f, 8f, 7f, 6f, 5f, 4f,
            5f, 3f, 6f, 2f, 1f, 4f,
        }, [3, 6]);
        var labels = torch.tensor(new long[] { 5, 5, 1 });
        // row 0: label 5 is 1st; row 1: label 5 is 6th; row 2: label 1 is 4th.
        Assert.Equal(1, Evaluator.CountInTopK(logits, labels, 1));
        Assert.Equal(1, Evaluator.CountInTopK(logits, labels, 3));
        Assert.Equal(2, Evaluator.CountInTopK(logits, labels, 4));
        Assert.Equal(2, Evaluator.CountInTopK(logits, labels, 5));
        Assert.Equal(3, Evaluator.CountInTopK(logits, labels, 6));
        Assert.Throws<ArgumentException>(() => Evaluator.CountInTopK(logits, labels, 7));
    }

    /// <summary>A linear model whose logits are the pixels themselves.</summary>
    private static nn.Module<Tensor, Tensor> Identity(int classes)
    {
        var linear = nn.Linear(classes, classes);
        using (torch.no_grad())
        {
            linear.weight!.copy_(torch.eye(classes));
            linear.bias!.zero_();
        }
        return nn.Sequential(("flatten", nn.Flatten()), ("fc", linear));
    }

    [Fact]
    public void Reports_top1_top5_in_percent_and_the_mean_cross_entropy()
    {
        // 7 classes; each image's pixels are its logits 0..6 in some order.
        float[][] rows =
        [
            [6, 5, 4, 3, 2, 1, 0], // label 0 ranks 1st
            [0, 1, 2, 3, 4, 5, 6], // label 0 ranks 7th
            [0, 1, 6, 3, 2, 5, 4], // label 3 ranks 4th
            [0, 6, 1, 2, 3, 4, 5], // label 1 ranks 1st
        ];
        long[] labels = [0, 0, 3, 1];
        var data = new ImageDataset("hand", [.. rows.SelectMany(r => r)], labels, 1, 1, 7, 7);
        using var model = Identity(7);
        model.train();
        var result = Evaluator.Evaluate(model, data, batchSize: 3);
        Assert.Equal(50.0, result.Top1Percent);
        Assert.Equal(75.0, result.Top5Percent);
        Assert.Equal(4, result.Count);
        var logSumExp = Math.Log(Enumerable.Range(0, 7).Sum(v => Math.Exp(v)));
        var expectedLoss = (4 * logSumExp - (6 + 0 + 3 + 6)) / 4;
        Assert.Equal(expectedLoss, result.Loss, 4);
        Assert.True(model.training, "evaluation should restore training mode");
    }

    [Fact]
    public void Top5_covers_every_class_when_there_are_five_or_fewer()
    {
        var data = new ImageDataset("three", [3, 2, 1, 1, 2, 3], [2, 0], 1, 1, 3, 3);
        using var model = Identity(3);
        var result = Evaluator.Evaluate(model, data);
        Assert.Equal(0.0, result.Top1Percent);
        Assert.Equal(100.0, result.Top5Percent);
    }

    [Fact]
    public void Predict_gives_each_image_its_largest_logit_across_batches_and_restores_training_mode()
    {
        float[][] rows = [[0, 9, 1, 2], [5, 1, 1, 1], [0, 1, 2, 3], [1, 0, 7, 1], [2, 2, 2, 9]];
        var data = new ImageDataset("hand", [.. rows.SelectMany(r => r)], new long[rows.Length], 1, 1, 4, 4);
        using var model = Identity(4);
        model.train();

        Assert.Equal([1L, 0, 3, 2, 3], Evaluator.Predict(model, data, batchSize: 2));
        Assert.True(model.training, "prediction should restore training mode");
    }
}
