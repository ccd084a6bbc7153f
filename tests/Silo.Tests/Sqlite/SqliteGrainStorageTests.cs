using FocusedQuantization.Silo.Sqlite;
using FocusedQuantization.Silo.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace FocusedQuantization.Silo.Tests.Sqlite;

public sealed class SqliteGrainStorageTests : IDisposable
{
    public sealed class Counter
    {
        public int Value { get; set; }

        public List<string> Names { get; set; } = [];
    }

    private static readonly IActivatorProvider Activators =
        new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<IActivatorProvider>();

    private readonly TempFolder _folder = new();
    private readonly GrainId _grain = GrainId.Create("counter", "a");

    private SqliteGrainStorage Open(string serviceId = "fq") =>
        new("Default", serviceId, new SqliteGrainStorageOptions { DatabasePath = _folder.File("state.db") }, new JsonTestSerializer(), Activators);

    private static TestGrainState<Counter> Holding(int value, params string[] names) =>
        new() { State = new Counter { Value = value, Names = [.. names] } };

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_grain_never_written_reads_as_a_fresh_state_with_no_record_and_no_etag()
    {
        var read = new TestGrainState<Counter>();

        await Open().ReadStateAsync("counter", _grain, read);

        Assert.Equal(0, read.State.Value);
        Assert.Empty(read.State.Names);
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
    }

    [Fact]
    public async Task Written_state_is_read_back_whole_with_the_etag_the_write_gave()
    {
        var storage = Open();
        var written = Holding(42, "x", "y");

        await storage.WriteStateAsync("counter", _grain, written);
        var read = new TestGrainState<Counter>();
        await storage.ReadStateAsync("counter", _grain, read);

        Assert.Equal(42, read.State.Value);
        Assert.Equal(["x", "y"], read.State.Names);
        Assert.True(read.RecordExists);
        Assert.NotNull(written.ETag);
        Assert.Equal(written.ETag, read.ETag);
    }

    [Fact]
    public async Task Every_write_gives_a_new_etag_and_the_last_write_wins()
    {
        var storage = Open();
        var state = Holding(1);
        await storage.WriteStateAsync("counter", _grain, state);
        var first = state.ETag;

        state.State.Value = 2;
        await storage.WriteStateAsync("counter", _grain, state);
        var read = new TestGrainState<Counter>();
        await storage.ReadStateAsync("counter", _grain, read);

        Assert.NotEqual(first, state.ETag);
        Assert.Equal(2, read.State.Value);
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_is_refused_and_leaves_the_stored_state_alone()
    {
        var storage = Open();
        var mine = Holding(1);
        await storage.WriteStateAsync("counter", _grain, mine);
        var theirs = new TestGrainState<Counter>();
        await storage.ReadStateAsync("counter", _grain, theirs);
        theirs.State.Value = 2;
        await storage.WriteStateAsync("counter", _grain, theirs);

        mine.State.Value = 3;
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("counter", _grain, mine));

        Assert.Equal(theirs.ETag, error.StoredEtag);
        var read = new TestGrainState<Counter>();
        await storage.ReadStateAsync("counter", _grain, read);
        Assert.Equal(2, read.State.Value);
    }

    [Fact]
    public async Task A_first_write_over_a_row_someone_else_created_is_a_conflict()
    {
        var storage = Open();
        await storage.WriteStateAsync("counter", _grain, Holding(1));

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("counter", _grain, Holding(5)));
    }

    [Fact]
    public async Task Clearing_removes_the_state_so_the_next_read_finds_no_record()
    {
        var storage = Open();
        var state = Holding(7);
        await storage.WriteStateAsync("counter", _grain, state);

        await storage.ClearStateAsync("counter", _grain, state);
        var read = new TestGrainState<Counter>();
        await storage.ReadStateAsync("counter", _grain, read);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal(0, state.State.Value);
        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task Clearing_with_a_stale_etag_is_refused_and_keeps_the_row()
    {
        var storage = Open();
        var mine = Holding(1);
        await storage.WriteStateAsync("counter", _grain, mine);
        var stale = new TestGrainState<Counter> { State = mine.State, ETag = mine.ETag };
        await storage.WriteStateAsync("counter", _grain, mine);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("counter", _grain, stale));

        var read = new TestGrainState<Counter>();
        await storage.ReadStateAsync("counter", _grain, read);
        Assert.True(read.RecordExists);
    }

    [Fact]
    public async Task State_survives_closing_and_reopening_the_file()
    {
        await Open().WriteStateAsync("counter", _grain, Holding(9, "kept"));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var read = new TestGrainState<Counter>();
        await Open().ReadStateAsync("counter", _grain, read);

        Assert.Equal(9, read.State.Value);
        Assert.Equal(["kept"], read.State.Names);
    }

    [Fact]
    public async Task State_names_grains_and_services_each_keep_their_own_rows()
    {
        await Open().WriteStateAsync("counter", _grain, Holding(1));
        await Open().WriteStateAsync("other", _grain, Holding(2));
        await Open().WriteStateAsync("counter", GrainId.Create("counter", "b"), Holding(3));
        await Open("another-service").WriteStateAsync("counter", _grain, Holding(4));

        var read = new TestGrainState<Counter>();
        await Open().ReadStateAsync("counter", _grain, read);

        Assert.Equal(1, read.State.Value);
    }
}
