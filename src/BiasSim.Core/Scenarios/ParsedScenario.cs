using YamlDotNet.RepresentationModel;

namespace BiasSim.Core.Scenarios;

/// <summary>What the parser hands the later stages of loading: the validated scenario (null when there were errors), the
/// YAML tree it came from and the reader holding the errors, so a later stage reports its own errors at the file, line
/// and column of the key they concern, in the same list.</summary>
internal sealed record ParsedScenario(Scenario? Scenario, YamlMappingNode? Root, YamlNodeReader Reader);
