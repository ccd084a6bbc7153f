namespace FocusedQuantization.Compression.Inference;

/// <summary>One nonzero weight offset in shift form: the input it reads and the left shift applied to that input.</summary>
internal readonly record struct ShiftTerm(int Input, int Shift);
