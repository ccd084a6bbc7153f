namespace FocusedQuantization.Silo.Tests;

public sealed class FqStateFolderTests
{
    [Fact]
    public void An_explicit_folder_is_used_as_given_made_absolute()
    {
        var folder = Path.Combine(Path.GetTempPath(), "fq-explicit");

        Assert.Equal(folder, FqStateFolder.Resolve(folder));
        Assert.Equal(Path.Combine(folder, "silo.db"), FqStateFolder.DatabasePath(folder));
    }

    [Fact]
    public void Without_a_folder_FQ_HOME_is_used_and_without_it_dot_fq_in_the_working_folder()
    {
        var saved = Environment.GetEnvironmentVariable("FQ_HOME");
        try
        {
            Environment.SetEnvironmentVariable("FQ_HOME", "/srv/shared-fq");
            Assert.Equal("/srv/shared-fq", FqStateFolder.Resolve());

            Environment.SetEnvironmentVariable("FQ_HOME", null);
            Assert.Equal(Path.Combine(Environment.CurrentDirectory, ".fq"), FqStateFolder.Resolve());
        }
        finally
        {
            Environment.SetEnvironmentVariable("FQ_HOME", saved);
        }
    }
}
