namespace BiasSim.Cli.Tests;

/// <summary>
/// Tests that act on the whole process, as the CLI's Ctrl+C handler does, and so must not run beside any other test:
/// <see cref="TemporaryFiles.DeleteAll"/> removes every registered temporary file, including one another test's command
/// is writing at that moment (it once made a parallel <c>run --save-replicates</c> fail to move its replicates.csv).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWide
{
    public const string Name = "process-wide (not in parallel)";
}

[Collection(ProcessWide.Name)]
public sealed class ProcessWideTests
{
    [Fact]
    public void A_second_ctrl_c_removes_every_registered_temporary_file()
    {
        // A second Ctrl+C ends the process without finally blocks: the handler removes the registered files first.
        using var tmp = new TempFolder();
        string temporary = TemporaryFiles.Create(tmp.Combine("x.csv"), out FileStream stream);
        stream.Dispose();
        Assert.True(File.Exists(temporary));
        TemporaryFiles.DeleteAll();
        Assert.False(File.Exists(temporary));
        TemporaryFiles.Delete(temporary);
    }
}
