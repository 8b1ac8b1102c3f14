using System;
using System.Threading;
using System.Threading.Tasks;
using VfioPm.Runtime.Vfio;

namespace VfioPm.Runtime.Tests.Vfio;

public sealed class EventFdTests
{
    [Fact]
    public void SignalAddsAndReadReturnsTheSumAndResets()
    {
        var efd = new EventFd();
        Assert.Equal(0, efd.Signal());
        Assert.Equal(0, efd.Signal(4));
        Assert.Equal(5ul, efd.Count);

        Assert.Equal(0, efd.Read(out ulong value));
        Assert.Equal(5ul, value);
        Assert.Equal(0ul, efd.Count);
    }

    [Fact]
    public void ReadOnEmptyIsEagain()
    {
        var efd = new EventFd();
        Assert.Equal(-Errno.EAGAIN, efd.Read(out ulong value));
        Assert.Equal(0ul, value);

        Assert.Equal(0, efd.Signal());
        Assert.Equal(0, efd.Read(out _));
        Assert.Equal(-Errno.EAGAIN, efd.Read(out _));
    }

    [Fact]
    public void InitialValueIsReadable()
    {
        var efd = new EventFd(initialValue: 7);
        Assert.Equal(0, efd.Read(out ulong value));
        Assert.Equal(7ul, value);
    }

    [Fact]
    public void SemaphoreModeReadsOneAtATime()
    {
        var efd = new EventFd(semaphore: true);
        Assert.True(efd.IsSemaphore);
        Assert.Equal(0, efd.Signal(2));
        Assert.Equal(0, efd.Read(out ulong a));
        Assert.Equal(0, efd.Read(out ulong b));
        Assert.Equal(-Errno.EAGAIN, efd.Read(out _));
        Assert.Equal(1ul, a);
        Assert.Equal(1ul, b);
    }

    [Fact]
    public void CounterSaturatesAtMaxWithEagain()
    {
        var efd = new EventFd();
        Assert.Equal(0xFFFF_FFFF_FFFF_FFFEul, EventFd.MaxCount);
        Assert.Equal(0, efd.Signal(EventFd.MaxCount - 1));
        Assert.Equal(0, efd.Signal(1));
        Assert.Equal(EventFd.MaxCount, efd.Count);

        // One more would reach ULLONG_MAX: the kernel blocks, the model reports -EAGAIN and changes nothing.
        Assert.Equal(-Errno.EAGAIN, efd.Signal(1));
        Assert.Equal(EventFd.MaxCount, efd.Count);
        Assert.Equal(0, efd.Read(out ulong value));
        Assert.Equal(EventFd.MaxCount, value);
    }

    [Fact]
    public void SignallingAllOnesIsEinval()
    {
        var efd = new EventFd();
        Assert.Equal(-Errno.EINVAL, efd.Signal(ulong.MaxValue));
        Assert.Equal(0ul, efd.Count);
    }

    [Fact]
    public void SignalOfZeroSucceedsWithoutMakingItReadable()
    {
        var efd = new EventFd();
        int raised = 0;
        efd.Signaled += (_, _) => raised++;
        Assert.Equal(0, efd.Signal(0));
        Assert.Equal(0, raised);
        Assert.Equal(-Errno.EAGAIN, efd.Read(out _));
    }

    [Fact]
    public void SignaledEventIsRaised()
    {
        var efd = new EventFd();
        int raised = 0;
        efd.Signaled += (sender, _) =>
        {
            Assert.Same(efd, sender);
            raised++;
        };
        efd.Signal();
        efd.Signal(3);
        Assert.Equal(2, raised);
    }

    [Fact]
    public void CloseMakesReadAndSignalEbadf()
    {
        var efd = new EventFd();
        efd.Signal();
        efd.Close();
        efd.Close();
        Assert.True(efd.IsClosed);
        Assert.Equal(-Errno.EBADF, efd.Read(out _));
        Assert.Equal(-Errno.EBADF, efd.Signal());
        Assert.False(efd.Wait(TimeSpan.Zero));
    }

    [Fact]
    public void WaitTimesOutWhenEmptyAndSucceedsWhenSignalled()
    {
        var efd = new EventFd();
        Assert.False(efd.Wait(TimeSpan.Zero));
        Assert.False(efd.Wait(TimeSpan.FromMilliseconds(20)));
        Assert.False(efd.Wait(TimeSpan.FromMilliseconds(-5)));

        efd.Signal();
        Assert.True(efd.Wait(TimeSpan.Zero));
        Assert.Equal(1ul, efd.Count); // waiting does not drain
    }

    [Fact]
    public async Task WaitWakesOnSignalFromAnotherThread()
    {
        var efd = new EventFd();
        Task<bool> waiter = Task.Run(() => efd.Wait(TimeSpan.FromSeconds(30)));
        await Task.Delay(20);
        efd.Signal();
        Assert.True(await waiter);
    }

    [Fact]
    public async Task WaitWakesOnClose()
    {
        var efd = new EventFd();
        Task<bool> waiter = Task.Run(() => efd.Wait(Timeout.InfiniteTimeSpan));
        await Task.Delay(20);
        efd.Close();
        Assert.False(await waiter);
    }

    [Fact]
    public void ConcurrentSignalsAreAllCounted()
    {
        var efd = new EventFd();
        Parallel.For(0, 8, _ =>
        {
            for (int i = 0; i < 1000; i++)
            {
                Assert.Equal(0, efd.Signal());
            }
        });
        Assert.Equal(8000ul, efd.Count);
    }

    // ---- FileDescriptorTable

    [Fact]
    public void InstallHandsOutTheLowestFreeFdFromThree()
    {
        var table = new FileDescriptorTable();
        Assert.Equal(3, table.Install(new EventFd()));
        Assert.Equal(4, table.Install(new object()));
        Assert.Equal(5, table.Install(new EventFd()));
        Assert.Equal(0, table.Close(4));
        Assert.Equal(4, table.Install(new EventFd()));
        Assert.Equal(0, table.Close(3));
        Assert.Equal(0, table.Close(5));
        Assert.Equal(3, table.Install(new object()));
        Assert.Equal(5, table.Install(new object()));
        Assert.Equal(3, table.Count);
    }

    [Fact]
    public void InstallOfNullIsEinval()
    {
        var table = new FileDescriptorTable();
        Assert.Equal(-Errno.EINVAL, table.Install(null!));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void ResolveEventFdFindsTheEventFd()
    {
        var table = new FileDescriptorTable();
        var efd = new EventFd();
        int fd = table.Install(efd);
        Assert.Equal(0, table.ResolveEventFd(fd, out EventFd? ctx));
        Assert.Same(efd, ctx);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(1000)]
    public void ResolveEventFdOfUnknownOrNegativeFdIsEbadf(int fd)
    {
        var table = new FileDescriptorTable();
        Assert.Equal(-Errno.EBADF, table.ResolveEventFd(fd, out EventFd? ctx));
        Assert.Null(ctx);
    }

    [Fact]
    public void ResolveEventFdOfClosedFdIsEbadf()
    {
        var table = new FileDescriptorTable();
        var efd = new EventFd();
        int fd = table.Install(efd);
        Assert.Equal(0, table.Close(fd));
        Assert.Equal(-Errno.EBADF, table.ResolveEventFd(fd, out EventFd? ctx));
        Assert.Null(ctx);
        Assert.True(efd.IsClosed); // its only descriptor went away
        Assert.Equal(-Errno.EBADF, table.Close(fd));
    }

    [Fact]
    public void ResolveEventFdOfNonEventFdIsEinval()
    {
        var table = new FileDescriptorTable();
        int fd = table.Install("a regular file");
        Assert.Equal(-Errno.EINVAL, table.ResolveEventFd(fd, out EventFd? ctx));
        Assert.Null(ctx);
        Assert.Equal(0, table.TryGet(fd, out object? file));
        Assert.Equal("a regular file", file);
    }

    [Fact]
    public void ResolveEventFdOfReleasedEventFdIsEbadf()
    {
        var table = new FileDescriptorTable();
        var efd = new EventFd();
        int fd = table.Install(efd);
        efd.Close();
        Assert.Equal(-Errno.EBADF, table.ResolveEventFd(fd, out _));
    }

    [Fact]
    public void ClosingOneOfTwoDescriptorsKeepsTheEventFdOpen()
    {
        var table = new FileDescriptorTable();
        var efd = new EventFd();
        int a = table.Install(efd);
        int b = table.Install(efd);
        Assert.Equal(0, table.Close(a));
        Assert.False(efd.IsClosed);
        Assert.Equal(0, table.ResolveEventFd(b, out EventFd? ctx));
        Assert.Same(efd, ctx);
        Assert.Equal(0, table.Close(b));
        Assert.True(efd.IsClosed);
    }

    [Fact]
    public void ConcurrentInstallsGetDistinctFds()
    {
        var table = new FileDescriptorTable();
        var fds = new int[64];
        Parallel.For(0, fds.Length, i => fds[i] = table.Install(new EventFd()));
        Array.Sort(fds);
        for (int i = 0; i < fds.Length; i++)
        {
            Assert.Equal(FileDescriptorTable.FirstFd + i, fds[i]);
        }
    }
}
