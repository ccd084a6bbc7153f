namespace FocusedQuantization.Compression.Models;

/// <summary>The file formats a state_dict is read from and written to.</summary>
public enum StateDictFormat
{
    /// <summary>What <c>torch.save(model.state_dict(), f)</c> writes (the zip format of PyTorch 1.6 and later); read with <c>torch.load</c>.</summary>
    PyTorch,

    /// <summary>Hugging Face's safetensors: a JSON header and the raw tensors; read with <c>safetensors.torch.load_file</c>.</summary>
    Safetensors,
}
