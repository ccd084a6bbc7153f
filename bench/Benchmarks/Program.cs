using BenchmarkDotNet.Running;

// Every public benchmark class in this assembly is picked up; choose with --filter, e.g. --filter '*Linear*'.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
