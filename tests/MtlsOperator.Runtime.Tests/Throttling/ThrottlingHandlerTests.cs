using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using MtlsOperator.Runtime.Throttling;

namespace MtlsOperator.Runtime.Tests.Throttling;

/// <summary>The client's side of API server flow control: what is sent again after the server's pushback, when, and what is
/// handed back; and the client-side limit.</summary>
public sealed class ThrottlingHandlerTests
{
    private static readonly Uri Url = new("http://api.test/api/v1/namespaces/apps/secrets");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-03T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task A_429_with_a_Retry_After_is_sent_again_whole_once_the_time_the_server_asks_has_passed()
    {
        var server = new ScriptedServer(ScriptedServer.Answer(HttpStatusCode.TooManyRequests, "2"));
        using var client = Client(server, new ClientThrottling());

        var sending = client.PostAsync(Url, new StringContent("""{"kind":"Secret"}""", Encoding.UTF8, "application/json"));
        await server.WaitForAsync(1);
        _time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.Single(server.Received);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        using var response = await sending.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["""{"kind":"Secret"}""", """{"kind":"Secret"}"""], server.Received.Select(r => r.Body));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task A_5xx_with_a_Retry_After_is_sent_again(HttpStatusCode code)
    {
        var server = new ScriptedServer(ScriptedServer.Answer(code, "0"));
        using var client = Client(server, new ClientThrottling());

        using var response = await client.GetAsync(Url).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.Received.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, null)]
    [InlineData(HttpStatusCode.InternalServerError, null)]
    [InlineData(HttpStatusCode.Conflict, "1")]
    [InlineData(HttpStatusCode.Forbidden, "1")]
    [InlineData(HttpStatusCode.OK, "1")]
    public async Task An_answer_that_asks_for_no_wait_or_is_no_pushback_is_handed_back_as_it_came(HttpStatusCode code, string? retryAfter)
    {
        var server = new ScriptedServer(ScriptedServer.Answer(code, retryAfter));
        using var client = Client(server, new ClientThrottling());

        using var response = await client.GetAsync(Url).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(code, response.StatusCode);
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task After_ten_retries_the_last_answer_is_handed_back()
    {
        var server = new ScriptedServer([.. Enumerable.Repeat(ScriptedServer.Answer(HttpStatusCode.TooManyRequests, "0"), 20)]);
        using var client = Client(server, new ClientThrottling());

        using var response = await client.GetAsync(Url).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(1 + ClientThrottling.DefaultMaxRetries, server.Received.Count);
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_longest_honoured_is_handed_back_to_the_callers_own_backoff()
    {
        var server = new ScriptedServer(ScriptedServer.Answer(HttpStatusCode.TooManyRequests, "61"));
        using var client = Client(server, new ClientThrottling { LongestRetryAfter = TimeSpan.FromSeconds(60) });

        using var response = await client.GetAsync(Url).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task A_Retry_After_given_as_a_date_is_waited_until()
    {
        var at = _time.GetUtcNow().AddSeconds(3).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        var server = new ScriptedServer(ScriptedServer.Answer(HttpStatusCode.ServiceUnavailable, at));
        using var client = Client(server, new ClientThrottling());

        var sending = client.GetAsync(Url);
        await server.WaitForAsync(1);
        _time.Advance(TimeSpan.FromSeconds(2.5));
        Assert.Single(server.Received);
        _time.Advance(TimeSpan.FromSeconds(0.5));
        using var response = await sending.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.Received.Count);
    }

    [Fact]
    public async Task A_request_cancelled_while_it_waits_to_be_sent_again_ends_cancelled_and_is_not_sent()
    {
        var server = new ScriptedServer(ScriptedServer.Answer(HttpStatusCode.TooManyRequests, "5"));
        using var client = Client(server, new ClientThrottling());
        using var cancel = new CancellationTokenSource();

        var sending = client.GetAsync(Url, cancel.Token);
        await server.WaitForAsync(1);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending.WaitAsync(TimeSpan.FromSeconds(20)));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task A_streamed_body_that_cannot_be_read_twice_is_not_sent_again()
    {
        var server = new ScriptedServer(ScriptedServer.Answer(HttpStatusCode.TooManyRequests, "0"));
        using var client = Client(server, new ClientThrottling());

        using var response = await client.PostAsync(Url, new StreamContent(new MemoryStream("{}"u8.ToArray()))).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Single(server.Received);
    }

    [Fact]
    public async Task Without_a_client_side_limit_nothing_waits()
    {
        var server = new ScriptedServer();
        using var client = Client(server, new ClientThrottling());

        var all = Enumerable.Range(0, 50).Select(_ => client.GetAsync(Url)).ToArray();
        var responses = await Task.WhenAll(all).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(50, server.Received.Count);
    }

    [Fact]
    public async Task Under_a_client_side_limit_the_burst_goes_at_once_and_the_rest_one_per_interval()
    {
        var server = new ScriptedServer();
        using var client = Client(server, new ClientThrottling { Qps = 2, Burst = 3 });

        var all = Enumerable.Range(0, 5).Select(_ => client.GetAsync(Url)).ToArray();
        await server.WaitForAsync(3);
        Assert.Equal(3, server.Received.Count);
        _time.Advance(TimeSpan.FromSeconds(0.5));
        await server.WaitForAsync(4);
        Assert.Equal(4, server.Received.Count);
        _time.Advance(TimeSpan.FromSeconds(0.5));
        var responses = await Task.WhenAll(all).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(5, server.Received.Count);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    [Fact]
    public void The_burst_defaults_to_one_and_a_half_times_the_rate_and_there_is_none_without_a_rate()
    {
        Assert.Equal(30, new ClientThrottling { Qps = 20 }.EffectiveBurst);
        Assert.Equal(1, new ClientThrottling { Qps = 0.5 }.EffectiveBurst);
        Assert.Equal(7, new ClientThrottling { Qps = 20, Burst = 7 }.EffectiveBurst);
        Assert.Null(new ClientThrottling().EffectiveBurst);
    }

    private HttpClient Client(ScriptedServer server, ClientThrottling throttling) =>
        new(new ThrottlingHandler(throttling, _time) { InnerHandler = server });
}
