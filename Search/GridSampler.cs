namespace FocusedQuantization.Search;

/// <summary>
/// Every valid combination of a discrete space, trial n taking the n-th (modulo the grid's size, so a longer sweep goes
/// round again). The order is the space's: the last dimension varies fastest. An inactive conditional dimension does not
/// multiply the grid: under a choice that switches it off it takes no value, so only the valid combinations are listed.
/// With a seed, the grid is visited in a seeded pseudo-random permutation instead (a small Feistel network with cycle
/// walking, a bijection on 0..size-1), so that a sweep cut short still spreads over the whole grid.
/// </summary>
public sealed class GridSampler(int? seed = null) : ISampler
{
    public string Name => "grid";

    /// <summary>The number of valid combinations of <paramref name="space"/>.</summary>
    public static long Size(SearchSpace space) => new Enumerator(space).Count(0, new long[space.Dimensions.Count]);

    public Point Ask(SearchSpace space, IReadOnlyList<Observation> history, int number)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        var enumerator = new Enumerator(space);
        var size = enumerator.Count(0, new long[space.Dimensions.Count]);
        var index = number % size;
        if (seed is { } s) index = Permute(index, size, s);
        return enumerator.At(index);
    }

    /// <summary>Counts and unranks the valid combinations. Only dimensions that some later dimension's condition names branch; the rest multiply.</summary>
    private sealed class Enumerator
    {
        private readonly SearchSpace _space;
        private readonly int[] _parent;
        private readonly bool[][] _allowed;
        private readonly bool[] _isParent;
        private readonly Dictionary<(int, string), long> _memo = [];

        public Enumerator(SearchSpace space)
        {
            _space = space;
            var dims = space.Dimensions;
            _parent = new int[dims.Count];
            _allowed = new bool[dims.Count][];
            _isParent = new bool[dims.Count];
            for (var i = 0; i < dims.Count; i++)
            {
                var d = dims[i];
                if (d.Cardinality is null)
                    throw new ArgumentException($"The grid sampler needs a discrete space, and '{d.Name}' is continuous (give it a step, or use random, nsga2 or motpe).", nameof(space));
                _parent[i] = -1;
                if (d.When is not { } when) continue;
                var p = IndexOf(when.Dimension);
                var choices = ((CategoricalDimension)dims[p]).Choices;
                _parent[i] = p;
                _isParent[p] = true;
                _allowed[i] = choices.Select(c => when.Choices.Contains(c)).ToArray();
            }
        }

        private int IndexOf(string name)
        {
            for (var i = 0; i < _space.Dimensions.Count; i++)
                if (_space.Dimensions[i].Name == name) return i;
            throw new InvalidOperationException($"No dimension '{name}'.");
        }

        /// <summary>Is dimension i active given the choice indices so far (-1: inactive)?</summary>
        private bool Active(int i, long[] chosen) => _parent[i] < 0 || (chosen[_parent[i]] >= 0 && _allowed[i][chosen[_parent[i]]]);

        /// <summary>The number of valid completions from dimension i on, given the choices before it.</summary>
        public long Count(int i, long[] chosen)
        {
            var dims = _space.Dimensions;
            if (i == dims.Count) return 1;
            // Only the choices of parents matter to what follows; they key the memo.
            var key = (i, string.Join(',', Enumerable.Range(0, i).Where(j => _isParent[j]).Select(j => chosen[j])));
            if (_memo.TryGetValue(key, out var known)) return known;
            long count;
            if (!Active(i, chosen))
            {
                chosen[i] = -1;
                count = Count(i + 1, chosen);
            }
            else if (_isParent[i])
            {
                count = 0;
                for (var c = 0L; c < dims[i].Cardinality!.Value; c++)
                {
                    chosen[i] = c;
                    count = Add(count, Count(i + 1, chosen));
                }
                chosen[i] = -1;
            }
            else
            {
                chosen[i] = 0;
                count = Multiply(dims[i].Cardinality!.Value, Count(i + 1, chosen));
            }
            _memo[key] = count;
            return count;
        }

        /// <summary>The index-th valid combination.</summary>
        public Point At(long index)
        {
            var dims = _space.Dimensions;
            var chosen = new long[dims.Count];
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var i = 0; i < dims.Count; i++)
            {
                if (!Active(i, chosen)) { chosen[i] = -1; continue; }
                long pick;
                if (_isParent[i])
                {
                    pick = 0;
                    for (; ; pick++)
                    {
                        chosen[i] = pick;
                        var sub = Count(i + 1, chosen);
                        if (index < sub) break;
                        index -= sub;
                    }
                }
                else
                {
                    chosen[i] = 0;
                    var sub = Count(i + 1, chosen);
                    pick = index / sub;
                    index %= sub;
                }
                chosen[i] = pick;
                values[dims[i].Name] = dims[i].ValueAt(pick);
            }
            return new Point(values);
        }

        private static long Add(long a, long b) => a > long.MaxValue - b ? throw TooLarge() : a + b;

        private static long Multiply(long a, long b) => b != 0 && a > long.MaxValue / b ? throw TooLarge() : a * b;

        private static ArgumentException TooLarge() => new("The grid has more than 2^63 combinations; use random, nsga2 or motpe.");
    }

    /// <summary>A seeded bijection of 0..size-1: a 4-round balanced Feistel network on the next even bit width, cycle-walked back into range.</summary>
    private static long Permute(long index, long size, int seed)
    {
        if (size <= 1) return 0;
        var bits = 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(size - 1));
        var half = (bits + 1) / 2;
        var mask = (1UL << half) - 1;
        var x = (ulong)index;
        // Each pass is a bijection of [0, 2^(2*half)), which is below 4*size, so walking ends in a few steps on average.
        do
        {
            var left = x >> half;
            var right = x & mask;
            for (var round = 0; round < 4; round++)
            {
                var f = SeedMix.Mix(((ulong)(uint)seed << 32) ^ ((ulong)round << 56) ^ right) & mask;
                (left, right) = (right, left ^ f);
            }
            x = (left << half) | right;
        } while (x >= (ulong)size);
        return (long)x;
    }
}
