// SPDX-License-Identifier: GPL-2.0-only
/*
 * helloworld: the example driver of the DDK guide's "combined" pack. It
 * registers a PCI driver for QEMU's PCI test device, declares the firmware
 * it would load for it, and says hello when loaded.
 */
#include <linux/firmware.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/pci.h>

#define HELLO_FW "helloworld/hello.fw"

static char *greeting = "hello, world";
module_param(greeting, charp, 0444);
MODULE_PARM_DESC(greeting, "What to say when loaded");

static const struct pci_device_id hello_ids[] = {
	{ PCI_DEVICE(0x1b36, 0x0005) }, /* QEMU PCI test device */
	{ 0 }
};
MODULE_DEVICE_TABLE(pci, hello_ids);

static int hello_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	const struct firmware *fw;
	int err = request_firmware(&fw, HELLO_FW, &pdev->dev);

	if (err)
		return err;
	dev_info(&pdev->dev, "firmware %s: %zu bytes\n", HELLO_FW, fw->size);
	release_firmware(fw);
	return 0;
}

static void hello_remove(struct pci_dev *pdev)
{
}

static struct pci_driver hello_driver = {
	.name = "helloworld",
	.id_table = hello_ids,
	.probe = hello_probe,
	.remove = hello_remove,
};

static int __init hello_init(void)
{
	pr_info("helloworld: %s\n", greeting);
	return pci_register_driver(&hello_driver);
}

static void __exit hello_exit(void)
{
	pci_unregister_driver(&hello_driver);
	pr_info("helloworld: goodbye\n");
}

module_init(hello_init);
module_exit(hello_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Example Organisation");
MODULE_DESCRIPTION("Example hello world kernel module");
MODULE_VERSION("1.0");
MODULE_FIRMWARE(HELLO_FW);
