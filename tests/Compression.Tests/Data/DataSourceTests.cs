using FocusedQuantization.Compression.Data;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Data;

public sealed class DataSourceTests
{
    [Fact]
    public void Built_in_names_keep_their_canonical_names()
    {
        Assert.Equal("fashion-mnist", DataSource.Parse("fmnist").Name);
        Assert.Equal(DataSourceKind.Builtin, DataSource.Parse("mnist").Kind);
        Assert.Equal(28, DataSource.Parse("mnist").ImageSize);
    }

    [Fact]
    public void Paths_are_made_absolute_and_options_spelled_canonically()
    {
        var folder = DataSource.Parse("imagefolder:data/tiny");
        Assert.Equal("imagefolder:" + Path.GetFullPath("data/tiny"), folder.Name);
        Assert.Equal(224, folder.ImageSize);
        Assert.Equal(256, folder.ResizeSize);

        var small = DataSource.Parse("ImageFolder:/d/x?skip-bad&size=32");
        Assert.Equal("imagefolder:/d/x?size=32&skip-bad", small.Name);
        Assert.Equal(37, small.ResizeSize);
        Assert.Equal(small, DataSource.Parse(small.Name));
        Assert.Equal("imagefolder:/d/x?size=32", DataSource.Parse("imagefolder:/d/x").With(32, null).Name);
        Assert.Equal("imagefolder:/d/x", DataSource.Parse("imagefolder:/d/x?size=224").Name);

        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "c10"), DataSource.Parse("cifar10:~/c10").Path);
        Assert.Equal(DataSourceKind.Cifar100, DataSource.Parse("cifar100:/c").Kind);
        Assert.Equal("cifar10:/c", DataSource.Parse("cifar10:/c").Name);
        Assert.Equal(32, DataSource.Parse("cifar10:/c").ImageSize);
    }

    [Theory]
    [InlineData("imagenet", "Valid data sets")]
    [InlineData("imagefolder:", "names no folder")]
    [InlineData("imagefolder:/x?size=3", "between 8 and 4096")]
    [InlineData("imagefolder:/x?crop=3", "Unknown data set option")]
    [InlineData("cifar10:/x?size=64", "32x32")]
    [InlineData("cifar100:/x?skip-bad", "image folders only")]
    public void Bad_names_are_refused_saying_what_is_accepted(string name, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => DataSource.Parse(name));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Only_image_folders_take_another_size_or_skipping()
    {
        Assert.Throws<ArgumentException>(() => DataSource.Parse("mnist").With(32, null));
        Assert.Throws<ArgumentException>(() => DataSource.Parse("cifar10:/c").With(null, true));
        Assert.Equal(DataSource.Parse("cifar10:/c"), DataSource.Parse("cifar10:/c").With(32, false));
    }
}
