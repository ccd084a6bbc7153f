namespace FocusedQuantization.Compression.Coding;

/// <summary>Optimal length-limited Huffman code lengths, computed by the package-merge algorithm (Larmore and Hirschberg).</summary>
public static class HuffmanCodeLengths
{
    /// <summary>Longest code length the project uses by default.</summary>
    public const int DefaultMaxLength = 20;

    /// <summary>Longest code length this implementation supports.</summary>
    public const int MaxSupportedLength = 31;

    /// <summary>
    /// Code length per symbol (0 for symbols that never occur) minimising the total coded length subject to no code
    /// being longer than <paramref name="maxLength"/>. A lone occurring symbol gets length 1.
    /// </summary>
    public static byte[] Compute(ReadOnlySpan<long> frequencies, int maxLength = DefaultMaxLength)
    {
        if (maxLength is < 1 or > MaxSupportedLength)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, $"The length limit must be 1 to {MaxSupportedLength}.");
        var lengths = new byte[frequencies.Length];
        var used = new List<int>();
        for (var s = 0; s < frequencies.Length; s++)
        {
            if (frequencies[s] < 0) throw new ArgumentException($"Frequency of symbol {s} is negative.", nameof(frequencies));
            if (frequencies[s] > 0) used.Add(s);
        }
        if (used.Count == 0) return lengths;
        if (used.Count == 1)
        {
            lengths[used[0]] = 1;
            return lengths;
        }
        if (used.Count > (1L << maxLength))
            throw new ArgumentException($"{used.Count} symbols cannot all get codes of at most {maxLength} bits.", nameof(maxLength));

        var freq = frequencies.ToArray();
        used.Sort((a, b) => freq[a] != freq[b] ? freq[a].CompareTo(freq[b]) : a.CompareTo(b));
        var n = used.Count;
        var keep = 2 * n - 2;

        // Arena of nodes: leaves first (index i = i-th lightest symbol), then packages of two earlier nodes.
        var weight = new List<long>(n * (maxLength + 1));
        var left = new List<int>(n * (maxLength + 1));
        var right = new List<int>(n * (maxLength + 1));
        foreach (var s in used)
        {
            weight.Add(freq[s]);
            left.Add(-1);
            right.Add(-1);
        }

        var current = Enumerable.Range(0, n).ToList();
        for (var level = 1; level < maxLength; level++)
        {
            var packages = new List<int>(current.Count / 2);
            for (var j = 0; j + 1 < current.Count; j += 2)
            {
                packages.Add(weight.Count);
                weight.Add(weight[current[j]] + weight[current[j + 1]]);
                left.Add(current[j]);
                right.Add(current[j + 1]);
            }
            // Merge leaves with packages by weight; only the lightest 2n - 2 items can ever be selected.
            var merged = new List<int>(Math.Min(keep, n + packages.Count));
            int li = 0, pi = 0;
            while (merged.Count < keep && (li < n || pi < packages.Count))
            {
                var takeLeaf = pi >= packages.Count || (li < n && weight[li] <= weight[packages[pi]]);
                merged.Add(takeLeaf ? li++ : packages[pi++]);
            }
            current = merged;
        }

        // Each time a leaf appears inside a selected item, its code grows by one bit.
        var depth = new int[n];
        var stack = new Stack<int>();
        for (var i = 0; i < keep; i++)
        {
            stack.Push(current[i]);
            while (stack.Count > 0)
            {
                var node = stack.Pop();
                if (left[node] < 0) depth[node]++;
                else
                {
                    stack.Push(left[node]);
                    stack.Push(right[node]);
                }
            }
        }
        for (var i = 0; i < n; i++) lengths[used[i]] = checked((byte)depth[i]);
        return lengths;
    }
}
