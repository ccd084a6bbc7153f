using FocusedQuantization.Client.Cli;

return await FqCommandLine.RunAsync(args);
