using MtlsOperator.CrlFetching;
using TestPki;
using TestPki.CrlServer;

namespace MtlsOperator.Tests.CrlFetching;

/// <summary>The fetcher against a local server that serves, withholds, drips and floods: every answer is bounded in size and time, and every
/// failure is a stable sentence (it goes into status).</summary>
public sealed class CrlHttpFetcherTests : IAsyncDisposable
{
    private static readonly TestCertificateAuthority s_ca = TestCertificateAuthority.CreateRoot("CN=Fetcher CA,O=Test");
    private readonly TestCrlServer _server = new();
    private readonly CrlHttpFetcher _fetcher = new(TimeSpan.FromSeconds(3));

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private Task<CrlResponse> Fetch(string path) => _fetcher.FetchAsync(_server.UrlOf(path), null, null, CancellationToken.None);

    [Fact]
    public async Task A_served_crl_is_returned_byte_for_byte()
    {
        var crl = s_ca.CreateCrl();
        _server.Serve("ca.crl", crl);

        var response = await Fetch("ca.crl");

        Assert.Null(response.Error);
        Assert.Equal(crl, response.Body);
    }

    [Fact]
    public async Task A_conditional_refetch_of_an_unchanged_crl_is_answered_not_modified()
    {
        _server.Serve("ca.crl", s_ca.CreateCrl());
        var first = await Fetch("ca.crl");

        var again = await _fetcher.FetchAsync(_server.UrlOf("ca.crl"), first.ETag, first.LastModified, CancellationToken.None);

        Assert.True(again.NotModified);
        Assert.Null(again.Error);
    }

    [Fact]
    public async Task A_missing_crl_is_an_error_naming_the_status()
    {
        var response = await Fetch("missing.crl");

        Assert.Null(response.Body);
        Assert.Equal("the server answered HTTP 404 Test", response.Error);
    }

    [Fact]
    public async Task A_server_that_never_answers_is_cut_off_at_the_timeout_with_a_stable_message()
    {
        _server.Set("hang.crl", new CrlAnswer.Hang());

        var first = await Fetch("hang.crl");
        var second = await Fetch("hang.crl");

        Assert.Equal("no complete answer within 3 seconds", first.Error);
        Assert.Equal(first.Error, second.Error);
    }

    [Fact]
    public async Task A_slow_drip_body_is_cut_off_at_the_timeout()
    {
        _server.Set("drip.crl", new CrlAnswer.Drip(s_ca.CreateCrl(), TimeSpan.FromMilliseconds(200)));
        var started = DateTime.UtcNow;

        var response = await Fetch("drip.crl");

        Assert.Equal("no complete answer within 3 seconds", response.Error);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), "the timeout covers the whole body, not each read");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_one_mebibyte_is_refused_without_reading_it_all(bool announced)
    {
        _server.Set("big.crl", new CrlAnswer.Oversized(64L * 1024 * 1024, announced));

        var response = await Fetch("big.crl");

        Assert.Null(response.Body);
        Assert.StartsWith("the CRL is larger than 1 MiB", response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_to_three_redirects_are_followed()
    {
        var crl = s_ca.CreateCrl();
        _server.Set("a", new CrlAnswer.Redirect(_server.UrlOf("b")));
        _server.Set("b", new CrlAnswer.Redirect("/c.crl"));
        _server.Serve("c.crl", crl);

        var response = await Fetch("a");

        Assert.Equal(crl, response.Body);
    }

    [Fact]
    public async Task A_redirect_loop_ends_in_an_error()
    {
        _server.Set("loop", new CrlAnswer.Redirect("/loop"));

        var response = await Fetch("loop");

        Assert.StartsWith("the server answered HTTP 302", response.Error, StringComparison.Ordinal);
        Assert.True(_server.RequestsFor("loop") <= 4, $"{_server.RequestsFor("loop")} requests");
    }

    [Fact]
    public async Task No_credentials_or_cookies_are_sent()
    {
        _server.Serve("ca.crl", s_ca.CreateCrl());

        await Fetch("ca.crl");

        var headers = _server.Requests.Single().Headers;
        Assert.DoesNotContain("authorization", headers.Keys);
        Assert.DoesNotContain("cookie", headers.Keys);
    }

    [Fact]
    public async Task A_closed_port_is_a_connection_error_that_reads_the_same_each_time()
    {
        var port = _server.Port;
        await _server.DisposeAsync();

        var first = await _fetcher.FetchAsync($"http://127.0.0.1:{port}/ca.crl", null, null, CancellationToken.None);
        var second = await _fetcher.FetchAsync($"http://127.0.0.1:{port}/ca.crl", null, null, CancellationToken.None);

        Assert.StartsWith("the request failed: could not connect", first.Error, StringComparison.Ordinal);
        Assert.Equal(first.Error, second.Error);
    }

    [Fact]
    public async Task A_url_with_credentials_is_not_fetched()
    {
        var response = await _fetcher.FetchAsync($"http://user:pw@127.0.0.1:{_server.Port}/ca.crl", null, null, CancellationToken.None);

        Assert.Contains("credentials", response.Error, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }
}
