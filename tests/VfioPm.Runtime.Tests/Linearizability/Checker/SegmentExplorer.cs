using System;
using System.Collections.Generic;
using System.Linq;
using VfioPm.Runtime.Tests.Linearizability.Model;

namespace VfioPm.Runtime.Tests.Linearizability.Checker;

/// <summary>
/// Decides whether one observed history can be explained by the model: is there an interleaving of the operations'
/// atomic segments (ModelStep.cs) that starts the operations in the given order, keeps real-time order (an operation
/// that ended before another started comes first, whole), gives every operation the result it returned and ends in
/// the observed state? A depth-first search over schedules; the model's operations are iterators, which cannot be
/// copied, so each schedule prefix is replayed from a copy of the state after the history's sequential part.
/// </summary>
/// <remarks>
/// An operation with one segment is atomic, and then this is the textbook linearizability check (Wing and Gong, with
/// CsCheck enumerating the orders). An operation with several segments is linearizable in the kernel's own terms only:
/// its segments are where <c>runtime.c</c> lets other CPUs in (the lock-free usage-count step before the lock, the
/// lock dropped around a callback), and a history is accepted only if some interleaving of exactly those steps explains
/// it. Everything else about the operation must be atomic.
/// </remarks>
/// <typeparam name="TModel">The model's state.</typeparam>
/// <typeparam name="TKind">The operation alphabet.</typeparam>
/// <typeparam name="TObservation">What is compared at the end (a value type with value equality).</typeparam>
internal sealed class SegmentExplorer<TModel, TKind, TObservation>
    where TKind : struct
    where TObservation : IEquatable<TObservation>
{
    private readonly Func<TModel> _initial;
    private readonly Func<TModel, TModel> _copy;
    private readonly Func<TModel, TKind, ResultCell, IEnumerable<ModelStep>> _steps;
    private readonly Func<TModel, TObservation> _observe;
    private readonly Func<TModel, bool>? _daemonReady;
    private readonly Func<TModel, IEnumerable<ModelStep>>? _daemon;

    /// <param name="initial">The model's starting state.</param>
    /// <param name="copy">A copy of a state.</param>
    /// <param name="steps">An operation's segments.</param>
    /// <param name="observe">What is compared at the end.</param>
    /// <param name="daemonReady">With <paramref name="daemon"/>: a worker nobody calls (the thread-pool PM workqueue) may start a run now.</param>
    /// <param name="daemon">One run of that worker; runs never overlap, may start between any two segments, and must all have happened by the end.</param>
    public SegmentExplorer(
        Func<TModel> initial,
        Func<TModel, TModel> copy,
        Func<TModel, TKind, ResultCell, IEnumerable<ModelStep>> steps,
        Func<TModel, TObservation> observe,
        Func<TModel, bool>? daemonReady = null,
        Func<TModel, IEnumerable<ModelStep>>? daemon = null)
    {
        _initial = initial;
        _copy = copy;
        _steps = steps;
        _observe = observe;
        _daemonReady = daemonReady;
        _daemon = daemon;
    }

    /// <summary>Schedules tried by the last call (a measure of the search's cost).</summary>
    public long Schedules { get; private set; }

    /// <summary>True if some schedule of <paramref name="order"/> explains the results and <paramref name="observed"/>.</summary>
    public bool Explains(IReadOnlyList<HistoryOp<TKind>> order, TObservation observed)
    {
        Schedules = 0;
        var n = order.Count;

        // The order must respect real time: nothing may start before an operation that began after it had ended.
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                if (order[j].End < order[i].Start)
                {
                    return false;
                }
            }
        }

        // The sequential part: operations that ended before everything after them started run whole, in order.
        var prefix = 0;
        while (_daemon is null && prefix < n && Enumerable.Range(prefix + 1, n - prefix - 1).All(j => order[prefix].End < order[j].Start))
        {
            prefix++;
        }

        var start = _initial();
        for (var i = 0; i < prefix; i++)
        {
            var cell = new ResultCell();
            foreach (var step in _steps(start, order[i].Kind, cell))
            {
                if (step == ModelStep.Wait)
                {
                    return false; // a lone caller would wait forever
                }
            }

            if (cell.Value != order[i].Result)
            {
                return false;
            }
        }

        var search = new Search(this, order, prefix, start, observed);
        return search.Run(new List<int>());
    }

    private sealed class Search
    {
        private readonly SegmentExplorer<TModel, TKind, TObservation> _owner;
        private readonly IReadOnlyList<HistoryOp<TKind>> _order;
        private readonly int _first;
        private readonly TModel _start;
        private readonly TObservation _observed;

        public Search(SegmentExplorer<TModel, TKind, TObservation> owner, IReadOnlyList<HistoryOp<TKind>> order, int first, TModel start, TObservation observed)
        {
            _owner = owner;
            _order = order;
            _first = first;
            _start = start;
            _observed = observed;
        }

        // A schedule is the list of operations (indexes into _order) whose next segment ran, in order; an operation's
        // first appearance starts it. Operations start in _order's order. Daemon is the background worker's move.
        public bool Run(List<int> schedule)
        {
            var state = Replay(schedule);
            var n = _order.Count;
            if (state.Started == n && state.Done.All(d => d) && state.Daemon is null && !DaemonReady(state))
            {
                _owner.Schedules++;
                return Matches(state);
            }

            var candidates = new List<int>();
            if (state.Daemon is not null || DaemonReady(state))
            {
                candidates.Add(Daemon);
            }

            for (var i = _first; i < state.Started; i++)
            {
                if (!state.Done[i - _first])
                {
                    candidates.Add(i);
                }
            }

            if (state.Started < n && MayStart(state, state.Started))
            {
                candidates.Add(state.Started);
            }

            foreach (var next in candidates)
            {
                var trial = Replay(schedule);
                if (!Advance(trial, next))
                {
                    continue; // that operation would be waiting here
                }

                // A finished operation must have returned what it returned in the run.
                if (next != Daemon && trial.Done[next - _first] && trial.Results[next - _first].Value != _order[next].Result)
                {
                    continue;
                }

                schedule.Add(next);
                if (Run(schedule))
                {
                    return true;
                }

                schedule.RemoveAt(schedule.Count - 1);
            }

            return false;
        }

        private const int Daemon = -1;

        private bool DaemonReady(State state) => _owner._daemonReady?.Invoke(state.Model) == true;

        // Real time: an operation may start only once every operation that ended before it started has finished.
        private bool MayStart(State state, int op)
        {
            for (var j = _first; j < _order.Count; j++)
            {
                if (j != op && _order[j].End < _order[op].Start && (j >= state.Started || !state.Done[j - _first]))
                {
                    return false;
                }
            }

            return true;
        }

        private bool Matches(State state) =>
            _owner._observe(state.Model).Equals(_observed);

        private State Replay(List<int> schedule)
        {
            var state = new State(_owner._copy(_start), _order.Count - _first, _first);
            foreach (var op in schedule)
            {
                if (!Advance(state, op))
                {
                    throw new InvalidOperationException("a replayed schedule diverged: the model is not deterministic");
                }
            }

            return state;
        }

        // Runs the next segment of op (starting it if it has not started); false if it would wait here.
        private bool Advance(State state, int op)
        {
            if (op == Daemon)
            {
                state.Daemon ??= _owner._daemon!(state.Model).GetEnumerator();
                if (!state.Daemon.MoveNext())
                {
                    state.Daemon = null;
                    return true;
                }

                return state.Daemon.Current != ModelStep.Wait;
            }

            var k = op - _first;
            if (op == state.Started)
            {
                state.Results[k] = new ResultCell();
                state.Running[k] = _owner._steps(state.Model, _order[op].Kind, state.Results[k]).GetEnumerator();
                state.Started++;
            }

            var running = state.Running[k]!;
            if (!running.MoveNext())
            {
                state.Done[k] = true;
                return true;
            }

            return running.Current != ModelStep.Wait;
        }
    }

    private sealed class State
    {
        public State(TModel model, int count, int started)
        {
            Model = model;
            Started = started;
            Done = new bool[count];
            Results = new ResultCell[count];
            Running = new IEnumerator<ModelStep>?[count];
        }

        public TModel Model { get; }

        public int Started { get; set; }

        public bool[] Done { get; }

        public ResultCell[] Results { get; }

        public IEnumerator<ModelStep>?[] Running { get; }

        public IEnumerator<ModelStep>? Daemon { get; set; }
    }
}
