using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace VfioPm.Packaging.Tests.TestKit;

/// <summary>
/// A minimal Language Server Protocol client over a server's stdin/stdout (JSON-RPC with Content-Length framing): it
/// sends requests and notifications, answers the server's own requests (<c>workspace/configuration</c> with the given
/// settings, anything else with null) and records what the server logs.
/// </summary>
internal sealed class LspClient : IDisposable
{
    private readonly Process _process;
    private readonly Stream _input;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode?>> _pending = new();
    private readonly JsonObject _settings;
    private readonly StringBuilder _log = new();
    private readonly object _writeLock = new();
    private int _nextId;

    public LspClient(string server, string workingDirectory, JsonObject settings)
    {
        _settings = settings;
        _process = Process.Start(new ProcessStartInfo(server)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        _input = _process.StandardInput.BaseStream;
        _process.ErrorDataReceived += (_, e) => Log(e.Data);
        _process.BeginErrorReadLine();
        _ = Task.Run(ReadLoop);
    }

    /// <summary>What the server logged (window/logMessage, stderr), for failure messages.</summary>
    public string ServerLog
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public async Task<JsonNode?> RequestAsync(string method, JsonNode? parameters, TimeSpan timeout)
    {
        var id = Interlocked.Increment(ref _nextId);
        var response = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = response;
        Write(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters });
        var done = await Task.WhenAny(response.Task, Task.Delay(timeout)).ConfigureAwait(false);
        if (done != response.Task)
        {
            throw new TimeoutException($"{method} got no answer within {timeout}. Server log:\n{ServerLog}");
        }

        return await response.Task.ConfigureAwait(false);
    }

    public void Notify(string method, JsonNode? parameters) =>
        Write(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method, ["params"] = parameters });

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        _process.Dispose();
    }

    private void Write(JsonObject message)
    {
        var body = Encoding.UTF8.GetBytes(message.ToJsonString());
        var header = Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n");
        lock (_writeLock)
        {
            _input.Write(header);
            _input.Write(body);
            _input.Flush();
        }
    }

    private async Task ReadLoop()
    {
        var output = _process.StandardOutput.BaseStream;
        try
        {
            while (true)
            {
                var length = ReadHeaders(output);
                if (length < 0)
                {
                    break;
                }

                var body = new byte[length];
                await output.ReadExactlyAsync(body).ConfigureAwait(false);
                Dispatch(JsonNode.Parse(body)!.AsObject());
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or JsonException)
        {
            Log("client: " + e.Message);
        }

        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(new IOException("the language server closed its output. Server log:\n" + ServerLog));
        }
    }

    private void Dispatch(JsonObject message)
    {
        var method = message["method"]?.GetValue<string>();
        if (message["id"] is { } id && method is not null)
        {
            // A request from the server.
            JsonNode? result = null;
            if (method == "workspace/configuration")
            {
                var answers = new JsonArray();
                foreach (var _ in message["params"]!["items"]!.AsArray())
                {
                    answers.Add(_settings.DeepClone());
                }

                result = answers;
            }

            Write(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id.DeepClone(), ["result"] = result });
        }
        else if (message["id"] is { } responseId && _pending.TryRemove(responseId.GetValue<int>(), out var pending))
        {
            if (message["error"] is { } error)
            {
                pending.TrySetException(new InvalidOperationException("LSP error: " + error.ToJsonString()));
            }
            else
            {
                pending.TrySetResult(message["result"]);
            }
        }
        else if (method == "window/logMessage")
        {
            Log(message["params"]?["message"]?.GetValue<string>());
        }
    }

    // Reads "Header: value\r\n" lines up to the blank line; returns Content-Length, or -1 at end of stream.
    private static int ReadHeaders(Stream stream)
    {
        var length = -1;
        var line = new List<byte>();
        while (true)
        {
            var b = stream.ReadByte();
            if (b < 0)
            {
                return -1;
            }

            if (b != '\n')
            {
                line.Add((byte)b);
                continue;
            }

            var text = Encoding.ASCII.GetString(line.ToArray()).TrimEnd('\r');
            line.Clear();
            if (text.Length == 0)
            {
                return length;
            }

            if (text.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(text["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }

    private void Log(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
