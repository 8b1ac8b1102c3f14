namespace VfioPm.Generators.Tests.Behaviour;

/// <summary>Compiles <see cref="BehaviourDrivers"/> once for all behaviour test classes.</summary>
[CollectionDefinition(Name)]
public sealed class GeneratedDriversCollection : ICollectionFixture<BehaviourDrivers>
{
    public const string Name = "generated drivers";
}
