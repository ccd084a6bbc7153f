namespace FocusedQuantization.Tracker.Tests;

public sealed class LikePatternTests
{
    [Theory]
    [InlineData("abc", "abc", true)]
    [InlineData("abc", "ab", false)]
    [InlineData("abc", "abcd", false)]
    [InlineData("", "", true)]
    [InlineData("", "%", true)]
    [InlineData("", "_", false)]
    [InlineData("abc", "%", true)]
    [InlineData("abc", "a%", true)]
    [InlineData("abc", "%c", true)]
    [InlineData("abc", "%b%", true)]
    [InlineData("abc", "%d%", false)]
    [InlineData("abc", "a%c", true)]
    [InlineData("ac", "a%c", true)]
    [InlineData("abcb", "a%b", true)]
    [InlineData("abcbc", "a%b", false)]
    [InlineData("abc", "___", true)]
    [InlineData("abc", "__", false)]
    [InlineData("abc", "____", false)]
    [InlineData("abc", "_b_", true)]
    [InlineData("abc", "%%%", true)]
    [InlineData("aXbXc", "%X%X%", true)]
    [InlineData("aXbc", "%X%X%", false)]
    [InlineData("mississippi", "%iss%ppi", true)]
    [InlineData("mississippi", "%iss%ipp_", true)]
    [InlineData("mississippi", "m%ss%ss%ss%", false)]
    [InlineData("ab", "%a%a%", false)]
    // Every other character is itself, regex metacharacters included, and there is no escape character (as in
    // MLflow's file store and SQLite): a backslash is a literal backslash and does not quote the % after it.
    [InlineData("a.c", "a.c", true)]
    [InlineData("abc", "a.c", false)]
    [InlineData("a+b", "a+b", true)]
    [InlineData("aab", "a+b", false)]
    [InlineData("(x)", "(x)", true)]
    [InlineData("[ab]", "[ab]", true)]
    [InlineData("a", "[ab]", false)]
    [InlineData("^a$", "^a$", true)]
    [InlineData(@"50\%", @"50\%", true)]
    [InlineData(@"50\ off", @"50\%", true)]
    [InlineData("50%", @"50\%", false)]
    [InlineData("a\nb", "a_b", true)]
    [InlineData("a\nb", "a%", true)]
    // _ is one character, also outside the basic plane.
    [InlineData("x😀y", "x_y", true)]
    [InlineData("x😀y", "x__y", false)]
    public void Like_matches_the_whole_value_case_sensitively(string text, string pattern, bool expected) =>
        Assert.Equal(expected, LikePattern.IsMatch(text, pattern, ignoreCase: false));

    [Theory]
    [InlineData("Sweep-A", "sweep-a", false, true)]
    [InlineData("Sweep-A", "sweep-%", false, true)]
    [InlineData("Sweep-A", "SWEEP-_", false, true)]
    [InlineData("ÉCOLE", "école", false, true)]
    [InlineData("Straße", "STRASSE", false, false)]
    [InlineData("Sweep-A", "sweep-a", true, false)]
    [InlineData("abc", "ABD", false, false)]
    public void Ilike_ignores_case_letter_by_letter(string text, string pattern, bool likeInstead, bool expected) =>
        Assert.Equal(expected, LikePattern.IsMatch(text, pattern, ignoreCase: !likeInstead));

    [Fact]
    public void A_pattern_with_many_wildcards_on_a_long_value_is_answered_at_once()
    {
        // A backtracking regex needs time polynomial in the length, with the number of %s as exponent, for these.
        var value = new string('a', 100_000);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        Assert.False(LikePattern.IsMatch(value, "%a%a%a%a%a%a%a%a%b", ignoreCase: false));
        Assert.False(LikePattern.IsMatch(value, "%a%a%a%a%a%a%a%a%b", ignoreCase: true));
        Assert.True(LikePattern.IsMatch(value + "b", "%a%a%a%a%a%a%a%a%b", ignoreCase: false));
        Assert.False(LikePattern.IsMatch(value, "%" + string.Concat(Enumerable.Repeat("_a", 40)) + "%b", ignoreCase: false));

        // At most length times pattern steps here (some ten million); 5 s leaves room for a loaded CI machine.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }
}
