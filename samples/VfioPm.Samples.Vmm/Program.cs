using System;
using VfioPm.Samples.Vmm;

// vmm: the hypervisor scenario on the simulated platform (default), or a read-only look at this host's PCI power state.
return VmmProgram.Run(args, Console.Out, Console.Error);
