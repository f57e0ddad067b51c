using Ledger.Api.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace Ledger.Api.Tests.Hosting;

/// <summary>No Docker engine runs here, so the compose file is checked by reading it against what the app really reads.</summary>
public sealed class DockerComposeTests
{
    private static YamlMappingNode Services()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Repo.PathOf("docker-compose.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
    }

    private static YamlMappingNode Service(string name) => (YamlMappingNode)Services()[name];

    private static string Environment(YamlMappingNode service, string key) =>
        service["environment"] switch
        {
            YamlMappingNode map => map[key].ToString(),
            YamlSequenceNode list => list.Select(n => n.ToString()).Single(e => e.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..],
            _ => throw new InvalidOperationException("environment must be a map or a list"),
        };

    [Fact]
    public void The_db_service_is_postgres_16_with_a_volume_and_a_healthcheck()
    {
        var db = Service("db");
        Assert.StartsWith("postgres:16", db["image"].ToString());
        Assert.NotEmpty((YamlSequenceNode)db["volumes"]);
        var test = db["healthcheck"]["test"].ToString();
        Assert.Contains("pg_isready", test);
    }

    [Fact]
    public void The_ledger_service_is_built_here_and_waits_for_a_healthy_db()
    {
        var ledger = Service("ledger");
        var build = ledger["build"];
        var dockerfile = build is YamlMappingNode map && map.Children.ContainsKey("dockerfile") ? map["dockerfile"].ToString() : "Dockerfile";
        var context = build is YamlMappingNode m && m.Children.ContainsKey("context") ? m["context"].ToString() : build.ToString();
        Assert.True(File.Exists(Path.Combine(Repo.Root, context, dockerfile)), $"{dockerfile} missing");
        Assert.Equal("service_healthy", ledger["depends_on"]["db"]["condition"].ToString());
    }

    [Fact]
    public void The_connection_string_variable_is_the_one_the_app_reads_and_points_at_the_db_service()
    {
        var ledger = Service("ledger");
        var connection = Environment(ledger, "ConnectionStrings__Ledger");
        var db = Service("db");
        Assert.Contains("Host=db", connection);
        Assert.Contains($"Database={Environment(db, "POSTGRES_DB")}", connection);
        Assert.Contains($"Username={Environment(db, "POSTGRES_USER")}", connection);

        // The variable as the container sets it, read by ASP.NET's environment-variable provider into the
        // configuration the ledger's own LedgerDatabase resolves: that connection, and no embedded cluster.
        // A prefix of this test's own keeps the variable from meaning anything to the rest of the test process.
        var prefix = $"LEDGER_COMPOSE_TEST_{Guid.NewGuid():N}_";
        System.Environment.SetEnvironmentVariable(prefix + "ConnectionStrings__Ledger", connection);
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();
        System.Environment.SetEnvironmentVariable(prefix + "ConnectionStrings__Ledger", null);
        var database = new Ledger.Api.Hosting.LedgerDatabase(configuration);
        Assert.False(database.IsEmbedded);
        Assert.Equal(connection, database.ConnectionString);
    }

    [Fact]
    public void The_published_port_is_the_port_the_container_listens_on()
    {
        var ledger = Service("ledger");
        var ports = ((YamlSequenceNode)ledger["ports"]).Select(p => p.ToString()).ToList();
        var urls = Environment(ledger, "ASPNETCORE_URLS");
        var containerPort = new Uri(urls.Replace("+", "localhost").Replace("*", "localhost")).Port;
        Assert.Contains(ports, p => p.EndsWith($":{containerPort}", StringComparison.Ordinal));
        Assert.Contains(ports, p => p.StartsWith("5080:", StringComparison.Ordinal));
    }

    [Fact]
    public void The_cluster_profile_runs_two_nodes_in_cluster_mode_with_one_key_behind_a_proxy_that_names_both()
    {
        var nodes = new[] { Service("ledger-1"), Service("ledger-2") };
        foreach (var node in nodes)
        {
            Assert.Equal("cluster", ((YamlSequenceNode)node["profiles"]).Single().ToString());
            Assert.Equal("true", Environment(node, "Ledger__Cluster"));
            Assert.Equal(Environment(Service("ledger"), "ConnectionStrings__Ledger"), Environment(node, "ConnectionStrings__Ledger"));
            Assert.Equal(32, Convert.FromBase64String(Environment(node, "Ledger__Auth__SigningKey")).Length);
        }
        // A token signed for one node must be accepted by the other: one key.
        Assert.Equal(Environment(nodes[0], "Ledger__Auth__SigningKey"), Environment(nodes[1], "Ledger__Auth__SigningKey"));

        var proxy = Service("proxy");
        var mount = ((YamlSequenceNode)proxy["volumes"]).Single().ToString().Split(':')[0];
        var conf = File.ReadAllText(Path.Combine(Repo.Root, mount));
        var port = new Uri(Environment(nodes[0], "ASPNETCORE_URLS").Replace("+", "localhost")).Port;
        Assert.Contains($"server ledger-1:{port}", conf);
        Assert.Contains($"server ledger-2:{port}", conf);
    }

    [Fact]
    public void The_cluster_profile_places_tenant_north_in_a_second_postgres_that_both_nodes_name_and_wait_for()
    {
        var second = Service("db-2");
        Assert.Equal("cluster", ((YamlSequenceNode)second["profiles"]).Single().ToString());
        Assert.StartsWith("postgres:16", second["image"].ToString());
        Assert.Contains("pg_isready", second["healthcheck"]["test"].ToString());
        // Its own data: a volume shared with db would be one data folder under two servers.
        var volume = ((YamlSequenceNode)second["volumes"]).Single().ToString().Split(':')[0];
        Assert.DoesNotContain(((YamlSequenceNode)Service("db")["volumes"]).Select(v => v.ToString().Split(':')[0]), v => v == volume);

        var key = "Ledger__Tenants__north__ConnectionString";
        var north = Environment(Service("ledger-1"), key);
        foreach (var node in new[] { Service("ledger-1"), Service("ledger-2") })
        {
            // One tenant map on every node, or a write of north would land in whichever database its node names.
            Assert.Equal(north, Environment(node, key));
            Assert.Equal("service_healthy", node["depends_on"]["db-2"]["condition"].ToString());
        }
        Assert.Contains("Host=db-2", north);
        Assert.Contains($"Database={Environment(second, "POSTGRES_DB")}", north);
        Assert.Contains($"Username={Environment(second, "POSTGRES_USER")}", north);
        Assert.Contains($"Password={Environment(second, "POSTGRES_PASSWORD")}", north);

        // The variable as the container sets it is the configuration key Ledger:Tenants:north:ConnectionString.
        var prefix = $"LEDGER_COMPOSE_TEST_{Guid.NewGuid():N}_";
        System.Environment.SetEnvironmentVariable(prefix + key, north);
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();
        System.Environment.SetEnvironmentVariable(prefix + key, null);
        Assert.Equal(north, configuration.GetSection("Ledger:Tenants").GetSection("north")["ConnectionString"]);
    }
}
