using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Platform.Data.Entities;

namespace Platform.Data.Tests;

public sealed class ApiTokenTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Only_the_sha256_of_a_token_is_stored_and_it_finds_the_token()
    {
        var token = ApiTokenSecret.NewToken();
        var team = new Team { Id = Guid.NewGuid(), Name = "hash-only", CreatedAt = DateTimeOffset.UtcNow };
        var row = new ApiToken
        {
            Id = Guid.NewGuid(), TeamId = team.Id, Name = "ci", IsAdmin = true, CreatedAt = DateTimeOffset.UtcNow,
            TokenHash = ApiTokenSecret.Hash(token), Prefix = ApiTokenSecret.PrefixOf(token),
        };
        await using (var db = database.NewContext())
        {
            db.Teams.Add(team);
            db.ApiTokens.Add(row);
            await db.SaveChangesAsync();
        }

        // Everything the row holds, as text: the token must not be in it.
        var whole = await database.ColumnAsync("SELECT row_to_json(t)::text FROM platform.api_tokens t WHERE id = $1", row.Id);
        Assert.Single(whole);
        Assert.DoesNotContain(token, whole[0], StringComparison.Ordinal);
        Assert.DoesNotContain(token[ApiTokenSecret.PrefixLength..], whole[0], StringComparison.Ordinal);

        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        var storedHex = await database.ScalarAsync<string>("SELECT encode(token_hash, 'hex') FROM platform.api_tokens WHERE id = $1", row.Id);
        Assert.Equal(Convert.ToHexStringLower(expected), storedHex);

        await using (var db = database.NewContext())
        {
            var presented = ApiTokenSecret.Hash(token);
            var found = await db.ApiTokens.SingleAsync(t => t.TokenHash == presented);
            Assert.Equal(row.Id, found.Id);
            Assert.True(found.IsAdmin);
            Assert.StartsWith(found.Prefix, token, StringComparison.Ordinal);
            Assert.True(found.Prefix.Length < token.Length);
        }
    }

    [Fact]
    public async Task A_column_that_is_not_a_sha256_is_refused()
    {
        var token = ApiTokenSecret.NewToken();
        await using var db = database.NewContext();
        var team = new Team { Id = Guid.NewGuid(), Name = "plain", CreatedAt = DateTimeOffset.UtcNow };
        db.Teams.Add(team);
        db.ApiTokens.Add(new ApiToken
        {
            Id = Guid.NewGuid(), TeamId = team.Id, Name = "wrong", CreatedAt = DateTimeOffset.UtcNow,
            TokenHash = Encoding.UTF8.GetBytes(token), Prefix = ApiTokenSecret.PrefixOf(token),
        });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public void New_tokens_differ_and_carry_256_bits()
    {
        var a = ApiTokenSecret.NewToken();
        var b = ApiTokenSecret.NewToken();
        Assert.NotEqual(a, b);
        Assert.StartsWith(ApiTokenSecret.Scheme, a, StringComparison.Ordinal);
        Assert.Equal(32, System.Buffers.Text.Base64Url.DecodeFromChars(a.AsSpan(ApiTokenSecret.Scheme.Length)).Length);
    }
}
