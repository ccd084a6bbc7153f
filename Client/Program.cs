Console.WriteLine("fq");
