using FocusedQuantization.Benchmarks.Results;

// fq-results DATA_FOLDER DOCS_FOLDER: writes DOCS_FOLDER/RESULTS.md (and its plots under DOCS_FOLDER/img) from the raw
// outputs bench/results.sh saved in DATA_FOLDER. Parts whose data is missing are listed as not run.
if (args.Length != 2 || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: fq-results <results-data folder> <docs folder>   (the data folder must exist; run bench/results.sh first)");
    return 2;
}

var data = new ResultsData(Path.GetFullPath(args[0]));
var docs = Path.GetFullPath(args[1]);
Directory.CreateDirectory(Path.Combine(docs, "img"));
var markdown = ResultsDocument.Write(data, docs);
var target = Path.Combine(docs, "RESULTS.md");
File.WriteAllText(target, markdown);
Console.WriteLine($"wrote {target}");
return 0;
