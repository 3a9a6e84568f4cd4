using System.Text;
using BenchmarkDotNet.Attributes;
using BiasSim.Cli.Records;
using BiasSim.Core.Design;
using BiasSim.Core.Records;
using BiasSim.Core.Scenarios;

namespace BiasSim.Benchmarks;

/// <summary>
/// Record-level simulation (<see cref="RecordModel"/>): records per second of the in-memory engine (struct records, alias
/// tables, no strings), one core, and the throughput of writing them as CSV with Bogus field values (<see cref="DatasetWriter"/>).
/// Every benchmark is per record (OperationsPerInvoke), so records/s = 1e9 / Mean (ns).
/// </summary>
[MemoryDiagnoser]
public class RecordBenchmarks
{
    private const int EngineRecords = 1_000_000;
    private const int CsvRecords = 100_000;

    private RecordModel _prevent = null!, _religion = null!, _baseRate = null!, _csvModel = null!;
    private readonly ReferralRecord[] _buffer = new ReferralRecord[4096];
    private ulong _replicate;

    [GlobalSetup]
    public void Setup()
    {
        string root = EngineBenchmarks.FindRepoRoot();
        Scenario Load(string file, params ScenarioOverride[] overrides)
        {
            string path = Path.Combine(root, "scenarios", file);
            return ScenarioLoader.Load(File.ReadAllText(path), path, overrides).Scenario!;
        }
        // The bundled Prevent scenario (2,400 cells: forces x sectors x years x sexes x groups; logistic missingness;
        // officer categories), scaled to a million referrals per replicate.
        _prevent = new RecordModel(Load("prevent-2015-2023.yaml", new ScenarioOverride("referrals.total", EngineRecords.ToString())));
        // Two protected attributes (ethnicity, religion): two recordings per referral.
        _religion = new RecordModel(Load("religion.yaml", new ScenarioOverride("referrals.total", EngineRecords.ToString())));
        // A base rate: binomial referrals per force x group, then pairs drawn without replacement (Fenwick tree).
        _baseRate = new RecordModel(Load("mar-by-force.yaml", new ScenarioOverride("referrals", "{base_rate: 0.0167, rate_ratios: {}}")));
        _csvModel = new RecordModel(Load("prevent-2015-2023.yaml", new ScenarioOverride("referrals.total", CsvRecords.ToString())));
    }

    private long Drain(RecordModel model)
    {
        RecordStream stream = model.Open(20151, _replicate++);
        long cells = 0;
        int n;
        while ((n = stream.Fill(_buffer)) > 0) cells += _buffer[n - 1].Cell;
        return cells;
    }

    [Benchmark(OperationsPerInvoke = EngineRecords)]
    public long PreventRecords() => Drain(_prevent);

    [Benchmark(OperationsPerInvoke = EngineRecords)]
    public long ReligionRecords() => Drain(_religion);

    /// <summary>About a million referrals (base rate 0.0167 of 59.6 million people); divide by the actual count, printed once.</summary>
    [Benchmark(OperationsPerInvoke = EngineRecords)]
    public long BaseRateRecords() => Drain(_baseRate);

    /// <summary>CSV rows (about 71 bytes each) written to a discarding stream: Bogus ids, dates and ages, officer categories.</summary>
    [Benchmark(OperationsPerInvoke = CsvRecords)]
    public long CsvRows()
    {
        ulong seed = _replicate++;
        using var writer = new StreamWriter(Stream.Null, new UTF8Encoding(false), 1 << 16);
        return new DatasetWriter(_csvModel, seed).Write(writer, _csvModel.Open(seed)).Referrals;
    }
}
