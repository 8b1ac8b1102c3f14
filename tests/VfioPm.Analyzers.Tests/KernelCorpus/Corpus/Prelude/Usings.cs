// The usings every corpus case compiles with (KernelCorpus/README.md).
global using System;
global using System.Collections.Generic;
global using VfioPm.Annotations;
global using VfioPm.Runtime;
global using VfioPm.Runtime.Pci;
global using VfioPm.Runtime.Power;
global using VfioPm.Runtime.Vfio;
global using KernelCorpus.Prelude;
