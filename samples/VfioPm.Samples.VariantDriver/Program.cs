using System;
using VfioPm.Samples.VariantDriver;

// acme-vfio-pci on the simulated platform. "--d3cold" gives the slot platform power control (_PR3).
var d3cold = Array.Exists(args, a => a == "--d3cold");
return new VariantDriverScenario(Console.Out).Run(platformD3Cold: d3cold);
