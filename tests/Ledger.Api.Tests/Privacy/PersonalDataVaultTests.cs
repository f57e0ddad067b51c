using System.Security.Cryptography;
using Ledger.Api.Privacy;
using Ledger.Domain.Households;
using NodaTime;

namespace Ledger.Api.Tests.Privacy;

/// <summary>Sealing and opening without a database: each person's data opens with that person's key and no other.</summary>
public sealed class PersonalDataVaultTests
{
    private static readonly LocalDate On = new(2025, 1, 1);
    private static readonly Instant Now = Instant.FromUtc(2025, 1, 1, 0, 0);

    [Fact]
    public void A_household_opens_with_its_peoples_keys_and_a_wrong_or_missing_key_reads_as_erased()
    {
        var (household, holder, spouse, child, parent) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var keys = new[] { holder, spouse, child, parent }.ToDictionary(id => id, _ => RandomNumberGenerator.GetBytes(32));
        object[] events =
        [
            new HouseholdOpened(household, "HH00000001", holder, On),
            new MemberJoined(holder, "张伟", new LocalDate(1985, 4, 12), Relationship.Self, "110101198504120011", On),
            new MemberJoined(spouse, "李娜", new LocalDate(1987, 9, 3), Relationship.Spouse, "110101198709030022", On),
            new MemberJoined(child, "张小明", new LocalDate(2015, 2, 1), Relationship.Child, null, On),
            new MemberJoined(parent, "王芳", new LocalDate(1958, 6, 30), Relationship.Parent, "110101195806300041", On),
        ];
        // Every key exists, so sealing makes none and needs no session.
        var stored = Household.Fold(PersonalDataVault.Protect(null!, household, events, Now, keys))!;
        Assert.All(stored.People, p => Assert.True(PersonalDataVault.IsProtected(p.Name), p.Name));

        var revealed = PersonalDataVault.Reveal(stored, new Dictionary<Guid, byte[]>
        {
            [holder] = keys[holder],
            [spouse] = keys[spouse],
            [child] = RandomNumberGenerator.GetBytes(32),
        });

        Assert.Equal(("张伟", "110101198504120011"), (revealed.Person(holder)!.Name, revealed.Person(holder)!.IdNumber));
        Assert.Equal(("李娜", "110101198709030022"), (revealed.Person(spouse)!.Name, revealed.Person(spouse)!.IdNumber));
        Assert.Equal(PersonalDataVault.Erased, revealed.Person(child)!.Name);
        Assert.Null(revealed.Person(child)!.IdNumber);
        Assert.Equal((PersonalDataVault.Erased, PersonalDataVault.Erased), (revealed.Person(parent)!.Name, revealed.Person(parent)!.IdNumber));
    }

    [Fact]
    public void One_persons_sealed_value_does_not_open_as_another_persons()
    {
        var (household, holder, spouse) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var key = RandomNumberGenerator.GetBytes(32);
        var keys = new Dictionary<Guid, byte[]> { [holder] = key, [spouse] = key };
        var joined = (MemberJoined)PersonalDataVault.Protect(null!, household,
            [new MemberJoined(holder, "张伟", new LocalDate(1985, 4, 12), Relationship.Self, null, On)], Now, keys)[0];

        // The same key, another person: the person id is authenticated with the ciphertext.
        Assert.Equal(PersonalDataVault.Erased, PersonalDataVault.Open(keys, spouse, joined.Name));
        Assert.Equal("张伟", PersonalDataVault.Open(keys, holder, joined.Name));
    }
}
