using CsCheck;
using FocusedQuantization.Compression.Coding;
using Xunit;

namespace FocusedQuantization.Compression.Tests.Coding;

public sealed class HuffmanCodeLengthsTests
{
    [Fact]
    public void Lengths_match_the_textbook_huffman_code_when_the_limit_does_not_bind()
    {
        // Merges by hand: (1,1) -> 2, (2,2) -> 4, (4,4) -> 8: depths 3, 3, 2, 1.
        Assert.Equal(new byte[] { 3, 3, 2, 1 }, HuffmanCodeLengths.Compute([1, 1, 2, 4]));
    }

    [Fact]
    public void The_length_limit_is_respected()
    {
        long[] fibonacci = [1, 1, 2, 3, 5, 8, 13, 21, 34, 55];
        Assert.Equal(new byte[] { 9, 9, 8, 7, 6, 5, 4, 3, 2, 1 }, HuffmanCodeLengths.Compute(fibonacci, maxLength: 20));
        var limited = HuffmanCodeLengths.Compute(fibonacci, maxLength: 4);
        Assert.All(limited, l => Assert.InRange(l, (byte)1, (byte)4));
        Assert.Equal(1.0, limited.Sum(l => Math.Pow(2, -l)), 12);
    }

    [Fact]
    public void Limited_lengths_cost_no_more_than_the_best_found_by_exhaustive_search()
    {
        Gen.Select(Gen.Int[1, 1000].Array[2, 6], Gen.Int[3, 4]).Sample(t =>
        {
            var (frequencies, limit) = t;
            var f = frequencies.Select(x => (long)x).ToArray();
            var lengths = HuffmanCodeLengths.Compute(f, limit);
            var cost = f.Select((x, i) => x * lengths[i]).Sum();
            Assert.True(lengths.Sum(l => Math.Pow(2, -l)) <= 1.0 + 1e-12);
            Assert.All(lengths, l => Assert.InRange(l, (byte)1, (byte)limit));
            Assert.Equal(BestCostByExhaustiveSearch(f, limit), cost);
        }, iter: 60, threads: 1);
    }

    [Fact]
    public void A_lone_symbol_gets_one_bit_and_unused_symbols_get_none()
    {
        Assert.Equal(new byte[] { 0, 1, 0 }, HuffmanCodeLengths.Compute([0, 7, 0]));
        Assert.Equal(new byte[] { 0, 0 }, HuffmanCodeLengths.Compute([0, 0]));
        Assert.Empty(HuffmanCodeLengths.Compute([]));
    }

    [Fact]
    public void More_symbols_than_the_limit_allows_are_refused()
    {
        Assert.Throws<ArgumentException>(() => HuffmanCodeLengths.Compute([1, 1, 1, 1, 1], maxLength: 2));
    }

    private static long BestCostByExhaustiveSearch(long[] frequencies, int limit)
    {
        var best = long.MaxValue;
        var lengths = new int[frequencies.Length];
        void Search(int i)
        {
            if (i == lengths.Length)
            {
                if (lengths.Sum(l => Math.Pow(2, -l)) <= 1.0 + 1e-12)
                    best = Math.Min(best, frequencies.Select((f, k) => f * lengths[k]).Sum());
                return;
            }
            for (var l = 1; l <= limit; l++)
            {
                lengths[i] = l;
                Search(i + 1);
            }
        }
        Search(0);
        return best;
    }
}
