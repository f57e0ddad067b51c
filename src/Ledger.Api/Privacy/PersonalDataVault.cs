using System.Security.Cryptography;
using System.Text;
using Ledger.Domain.Claims;
using Ledger.Domain.Households;
using Marten;
using NodaTime;

namespace Ledger.Api.Privacy;

/// <summary>
/// A person's data key. Names, id numbers and claim descriptions are stored only encrypted with it; deleting it
/// (crypto-shredding) makes them unreadable everywhere at once, in events, views, backups of events and exports,
/// without touching a stored event: amounts and dates replay identically and the audit chain still verifies.
/// </summary>
public sealed record PersonKey(Guid Id, Guid HouseholdId, byte[] Key, Instant CreatedAt);

/// <summary>
/// Encrypts personal data on its way into the event store and decrypts it on its way out. The domain decides on
/// plaintext (<see cref="RevealAsync(IQuerySession, Household?, CancellationToken)"/>) and never sees a key.
/// </summary>
public static class PersonalDataVault
{
    /// <summary>What a reader sees once a person's key has been destroyed.</summary>
    public const string Erased = "[erased]";

    private const string Prefix = "pii:v1:";

    public static bool IsProtected(string? value) => value?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    /// <summary>
    /// Encrypts the personal data in new events; creates the person's key the first time. <paramref name="existingKeys"/>
    /// holds every key that exists for the people concerned (the keys <see cref="RevealAsync"/> loaded for the household):
    /// a person without one is new, or was shredded, and gets a new key, with no read of the key table per write.
    /// </summary>
    /// <param name="created">Receives the keys made here, for a caller sealing several commands of one household in a row (the seeder).</param>
    public static IReadOnlyList<object> Protect(
        IDocumentSession session, Guid householdId, IReadOnlyList<object> events, Instant now, IReadOnlyDictionary<Guid, byte[]> existingKeys,
        IDictionary<Guid, byte[]>? created = null)
    {
        created ??= new Dictionary<Guid, byte[]>();
        byte[] KeyOf(Guid personId)
        {
            if (existingKeys.TryGetValue(personId, out var existing) || created.TryGetValue(personId, out existing)) return existing;
            var key = new PersonKey(personId, householdId, RandomNumberGenerator.GetBytes(32), now);
            session.Insert(key);
            return created[personId] = key.Key;
        }
        // Everything is sealed, even text that looks sealed already: a caller must not be able to plant a fake ciphertext.
        string? Seal(Guid personId, string? value) => value is null ? null : Encrypt(KeyOf(personId), personId, value);

        return events.Select(e => e switch
        {
            MemberJoined m => m with { Name = Seal(m.PersonId, m.Name)!, IdNumber = Seal(m.PersonId, m.IdNumber) },
            MemberDetailsCorrected c => c with { Name = Seal(c.PersonId, c.Name), IdNumber = Seal(c.PersonId, c.IdNumber) },
            ClaimSubmitted s => s with { Description = Seal(s.PersonId, s.Description) },
            _ => e,
        }).ToList();
    }

    /// <summary>Loads the keys of the household's people (those not shredded).</summary>
    public static async Task<IReadOnlyDictionary<Guid, byte[]>> KeysAsync(IQuerySession session, IEnumerable<Guid> people, CancellationToken ct)
    {
        var ids = people.Distinct().ToArray();
        if (ids.Length == 0) return new Dictionary<Guid, byte[]>();
        var keys = await session.LoadManyAsync<PersonKey>(ct, ids);
        return keys.ToDictionary(k => k.Id, k => k.Key);
    }

    /// <summary>The household with names and id numbers decrypted; <see cref="Erased"/> where a key was destroyed.</summary>
    public static async Task<Household?> RevealAsync(IQuerySession session, Household? household, CancellationToken ct) =>
        household is null ? null : Reveal(household, await KeysAsync(session, household.People.Select(p => p.PersonId), ct));

    /// <summary>
    /// The keys created in <paramref name="householdId"/>, read in the batch that fetches the household, so a read or a
    /// write costs no round trip of its own for them.
    /// </summary>
    public static Task<IReadOnlyList<PersonKey>> KeysCreatedIn(Marten.Services.BatchQuerying.IBatchedQuery batch, Guid householdId) =>
        batch.Query<PersonKey>().Where(k => k.HouseholdId == householdId).ToList();

    /// <summary>
    /// <see cref="KeysCreatedIn"/> for a write, with the keys <paramref name="made"/> for the newcomers the command brings
    /// (<see cref="NewKeys"/>) inserted by the same statement, so a join costs no statement of its own for its member's
    /// key. A refused command rolls the new keys back with its transaction; a group commit that commits other commands
    /// but not this one deletes them (<see cref="MadeBy"/>, <see cref="Unmake"/>).
    /// </summary>
    public static Task<IReadOnlyList<PersonKey>> KeysForWriting(
        Marten.Services.BatchQuerying.IBatchedQuery batch, IQuerySession session, Guid householdId, IReadOnlyList<PersonKey> made)
    {
        if (made.Count == 0) return KeysCreatedIn(batch, householdId);
        var serializer = session.DocumentStore.Options.Serializer();
        return batch.Query<PersonKey>(KeysWithNewcomersSql(session.DocumentStore.Options),
            session.TenantId, typeof(PersonKey).FullName!, householdId,
            made.Select(k => k.Id).ToArray(), made.Select(serializer.ToJson).ToArray(), made.Select(_ => Guid.CreateVersion7()).ToArray(),
            session.TenantId, householdId);
    }

    public static IReadOnlyList<PersonKey> NewKeys(Guid householdId, IReadOnlyList<Guid> newcomers, Instant now) =>
        newcomers.Count == 0 ? [] : newcomers.Select(id => new PersonKey(id, householdId, RandomNumberGenerator.GetBytes(32), now)).ToList();

    /// <summary>
    /// The keys of <paramref name="made"/> that <see cref="KeysForWriting"/> inserted: a key that was there already came
    /// back with its own bytes, or not at all, and must never be deleted.
    /// </summary>
    public static IEnumerable<PersonKey> MadeBy(IReadOnlyList<PersonKey> made, IReadOnlyList<PersonKey> returned) =>
        made.Where(m => returned.Any(r => r.Id == m.Id && r.Key.AsSpan().SequenceEqual(m.Key)));

    /// <summary>
    /// Deletes a key this transaction made (<see cref="MadeBy"/>) and no command kept: by its id, household and bytes, in
    /// SQL rather than <c>session.Delete</c>, which would also drop any insert of that id the session holds.
    /// </summary>
    public static void Unmake(IDocumentSession session, PersonKey made) =>
        session.QueueSqlCommand(
            $"delete from {session.DocumentStore.Options.Schema.For<PersonKey>()} where tenant_id = ? and id = ? and household_id = ? and data ->> 'key' = ?",
            session.TenantId, made.Id, made.HouseholdId, Convert.ToBase64String(made.Key));

    /// <summary>
    /// Marten's own columns for the key document (as <c>AuditTrailProjection.InsertSql</c> writes the audit row's): the
    /// insert is a data-modifying CTE, whose rows the select beside it cannot see, so each key comes back once. A key
    /// that exists already is left alone and not returned: the command then finds its person taken, or, for a person
    /// id never seen here, <see cref="Protect"/> inserts the key and the commit fails on the duplicate, as it did before.
    /// </summary>
    internal static string KeysWithNewcomersSql(IReadOnlyStoreOptions options)
    {
        var table = options.Schema.For<PersonKey>();
        return "with made as (" +
               $"insert into {table} (tenant_id, id, data, mt_version, mt_dotnet_type, mt_last_modified, household_id) " +
               "select ?, n.id, n.data, n.mt_version, ?, transaction_timestamp(), ? " +
               "from unnest(?::uuid[], ?::text[]::jsonb[], ?::uuid[]) as n(id, data, mt_version) " +
               "on conflict do nothing returning data) " +
               $"select data from {table} where tenant_id = ? and household_id = ? " +
               "union all select data from made";
    }

    /// <summary>
    /// The household decrypted, from the keys created in it (<see cref="KeysCreatedIn"/>); people who brought their key
    /// from another household (a split) are looked up by id, the only extra read, and only for them.
    /// </summary>
    public static async Task<(Household Household, IReadOnlyDictionary<Guid, byte[]> Keys)> RevealWithKeysAsync(
        IQuerySession session, Household household, IReadOnlyList<PersonKey> createdHere, CancellationToken ct)
    {
        var keys = createdHere.ToDictionary(k => k.Id, k => k.Key);
        var movedIn = household.People.Where(p => !p.Shredded && !keys.ContainsKey(p.PersonId)).Select(p => p.PersonId).ToList();
        if (movedIn.Count > 0)
            foreach (var (id, key) in await KeysAsync(session, movedIn, ct))
                keys[id] = key;
        return (Reveal(household, keys), keys);
    }

    public static Household Reveal(Household household, IReadOnlyDictionary<Guid, byte[]> keys)
    {
        using var opener = new Opener(keys);
        return household with
        {
            People = household.People.Select(p => p with
            {
                Name = opener.Open(p.PersonId, p.Name)!,
                IdNumber = opener.Open(p.PersonId, p.IdNumber),
            }).ToImmutableListOf(),
            Claims = household.Claims.Select(c => c with { Description = opener.Open(c.PersonId, c.Description) }).ToImmutableListOf(),
        };
    }

    /// <summary>One event with its personal data decrypted, for history and replay.</summary>
    public static object Reveal(object e, IReadOnlyDictionary<Guid, byte[]> keys) => e switch
    {
        MemberJoined m => m with { Name = Open(keys, m.PersonId, m.Name)!, IdNumber = Open(keys, m.PersonId, m.IdNumber) },
        MemberDetailsCorrected c => c with { Name = Open(keys, c.PersonId, c.Name), IdNumber = Open(keys, c.PersonId, c.IdNumber) },
        ClaimSubmitted s => s with { Description = Open(keys, s.PersonId, s.Description) },
        _ => e,
    };

    public static IEnumerable<Guid> PeopleIn(object e) => e switch
    {
        MemberJoined m => [m.PersonId],
        MemberDetailsCorrected c => [c.PersonId],
        ClaimSubmitted s => [s.PersonId],
        _ => [],
    };

    public static string? Open(IReadOnlyDictionary<Guid, byte[]> keys, Guid personId, string? value)
    {
        using var opener = new Opener(keys);
        return opener.Open(personId, value);
    }

    /// <summary>
    /// Opens the values of one household's people with one cipher per person, not one per value: a view holds a person's
    /// name, id number and claim descriptions, and setting up the cipher costs more than opening a short value.
    /// </summary>
    internal sealed class Opener(IReadOnlyDictionary<Guid, byte[]> keys) : IDisposable
    {
        private readonly Dictionary<Guid, AesGcm> _ciphers = [];

        public string? Open(Guid personId, string? value)
        {
            if (!IsProtected(value)) return value;
            if (!keys.TryGetValue(personId, out var key)) return Erased;
            try
            {
                if (!_ciphers.TryGetValue(personId, out var cipher))
                    _ciphers[personId] = cipher = new AesGcm(key, AesGcm.TagByteSizes.MaxSize);
                return Decrypt(cipher, personId, value!);
            }
            catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
            {
                // Sealed with a key that no longer exists (shredded, then a new key was made): unreadable by design.
                return Erased;
            }
        }

        public void Dispose()
        {
            foreach (var cipher in _ciphers.Values) cipher.Dispose();
        }
    }

    private static string Encrypt(byte[] key, Guid personId, string plaintext)
    {
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var data = Encoding.UTF8.GetBytes(plaintext);
        var cipher = new byte[data.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using var aes = new AesGcm(key, tag.Length);
        // The person id is authenticated with the ciphertext: one person's data cannot be passed off as another's.
        aes.Encrypt(nonce, data, cipher, tag, personId.ToByteArray());
        return Prefix + Convert.ToBase64String([.. nonce, .. cipher, .. tag]);
    }

    private static string Decrypt(AesGcm aes, Guid personId, string sealedValue)
    {
        var bytes = Convert.FromBase64String(sealedValue[Prefix.Length..]);
        var nonceSize = AesGcm.NonceByteSizes.MaxSize;
        var tagSize = AesGcm.TagByteSizes.MaxSize;
        if (bytes.Length < nonceSize + tagSize) throw new FormatException("A sealed value shorter than its nonce and tag.");
        var nonce = bytes.AsSpan(0, nonceSize);
        var cipher = bytes.AsSpan(nonceSize, bytes.Length - nonceSize - tagSize);
        var tag = bytes.AsSpan(bytes.Length - tagSize);
        var plain = new byte[cipher.Length];
        aes.Decrypt(nonce, cipher, tag, plain, personId.ToByteArray());
        return Encoding.UTF8.GetString(plain);
    }

    private static System.Collections.Immutable.ImmutableList<T> ToImmutableListOf<T>(this IEnumerable<T> items) =>
        System.Collections.Immutable.ImmutableList.CreateRange(items);
}
