// SPDX-License-Identifier: GPL-2.0
/* vtepctl: program vtep devices. Everything but main() lives elsewhere so
 * the unit tests link all of it. */
#include "vtepctl.h"

int main(int argc, char **argv)
{
	return vtepctl_main(argc, argv);
}
