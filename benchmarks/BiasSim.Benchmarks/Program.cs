using BenchmarkDotNet.Running;
BenchmarkSwitcher.FromAssembly(typeof(BiasSim.Benchmarks.BinomialBenchmarks).Assembly).Run(args);
