using System;

// A vfio-pci variant driver written with the VfioPm generator (work in progress: see issue "Source generator").
Console.WriteLine("VfioPm variant driver sample: generator pending.");
return 0;
