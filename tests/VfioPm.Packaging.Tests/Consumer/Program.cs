using VfioPm.Runtime.Pci;
using VfioPm.Runtime.Platform;
using VfioPm.Runtime.Vfio;

// Calls the dispatcher the generator wrote for MyDevice (the README's example) on a simulated device.
var platform = new SimulatedPlatform();
var port = platform.AddRootPort("0000:00:1c.0");
var pdev = platform.AddEndpoint(port, "0000:01:00.0", new PciFunctionSpec { VendorId = 0x1234, DeviceId = 0x5678, ClassCode = 0x120000 });
var device = new MyDevice(pdev);
var before = pdev.Power.UsageCount; // 1 while power/control is "on" (PCI starts with runtime PM forbidden)
Console.WriteLine($"VFIO_DEVICE_RESET -> {device.Ioctl(VfioUapi.VFIO_DEVICE_RESET, default)}");
Console.WriteLine($"unknown ioctl -> {device.Ioctl(0xdead, default)}");
Console.WriteLine($"usage count -> {before} before, {pdev.Power.UsageCount} after");
